// A template that a script fills in as text is not JSON until then: when parsing stops at a
// placeholder written outside a string, `parse` is an info; any other syntax fault is an error.
// Fixtures (test/fixtures/validate/text-template/) are shaped on public files:
//   unquoted-tokenizer      marvin-garcia/IoTGateway EdgeSolution/modules/OPC/layered.deployment.template.json
//                           (`"env": __ASA_ENV__`, replaced by Scripts/deploy.ps1)
//   fill-in-lines           Azure-Samples/azure-intelligent-edge-patterns deployment.percept.ava.json
//                           (bare `<create option>` lines, replaced by factory-ai-vision-install.sh)
//   unquoted-dollar-brace   Azure/iotedgedev tests/assets/deployment.template.non_str_placeholder.json
//   trailing-comma          azure-intelligent-edge-patterns edge-ai-void-detection/deployment.iotedgevm.template.json
//   merge-conflict          azure-intelligent-edge-patterns factory-ai-vision/EdgeSolution/deployment.jetson.template.json
//   missing-brace           bryan-starbuck/WeatherBalloon edge/nontransmitter.deployment.json
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeholderAtFailure } from '../../src/validate/placeholder-parse-failure.js';
import { validateSource } from '../../src/validate/validate-source.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'validate', 'text-template');

async function validateFixture(name: string) {
  const file = join(FIXTURES, name);
  const text = readFileSync(file, 'utf8');
  return { text, findings: (await validateSource({ file, text })).findings };
}

/** 1-based line/column where `needle` first starts. */
function positionOf(text: string, needle: string): { line: number; column: number } {
  const before = text.slice(0, text.indexOf(needle)).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

describe('a parse failure at a placeholder', () => {
  it.each([
    ['unquoted-tokenizer.template.json', '__ASA_ENV__'],
    ['fill-in-lines.json', '<create option>'],
    ['unquoted-dollar-brace.template.json', '${TTL}'],
    ['unquoted-replace-tokens.template.json', '#{ROUTE_PRIORITY}#'],
    ['unquoted-dollar.template.json', '$ROUTE_PRIORITY'],
    // The parser stops at the second `{`; the finding is placed at the placeholder's start.
    ['unquoted-mustache.template.json', '{{registry_credentials}}'],
    // Lines the LoRaWAN starter kit's provisioning CLI replaces in its gateway-deployment-template.json.
    ['bracket-token-lines.template.json', '["$spi_dev"]'],
  ])('%s is an info naming %s, and nothing else is checked', async (name, placeholder) => {
    const { text, findings } = await validateFixture(name);
    const { line, column } = positionOf(text, placeholder);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'parse', severity: 'info', line, column });
    expect(findings[0]!.message).toContain('not JSON until its placeholders are substituted');
    expect(findings[0]!.message).toContain(`\`${placeholder}\` at ${line}:${column}`);
    expect(findings[0]!.message).toContain('lint the generated file');
  });
});

describe('a real syntax fault stays an error, even in a file with placeholders', () => {
  it.each([
    ['trailing-comma.template.json', 'a property name in double quotes was expected'],
    ['merge-conflict.template.json', 'unexpected character'],
    ['missing-brace.template.json', 'a closing brace'],
  ])('%s', async (name, message) => {
    const { findings } = await validateFixture(name);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'parse', severity: 'error' });
    expect(findings[0]!.message).toContain(message);
  });
});

describe('the exit code (the CLI bundle)', () => {
  const exitCode = (command: string, name: string) => spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), command, join(FIXTURES, name)], { encoding: 'utf8' }).status;

  it.each(['validate', 'lint'])('%s exits 0 on a text template and 1 on a real syntax fault', (command) => {
    expect(exitCode(command, 'unquoted-tokenizer.template.json')).toBe(0);
    expect(exitCode(command, 'trailing-comma.template.json')).toBe(1);
  });
});

describe('placeholderAtFailure', () => {
  it('finds the token the parser stopped inside, not only at its start', () => {
    const text = '{"a": {{x}}}';
    expect(placeholderAtFailure(text, text.indexOf('{{') + 1)).toEqual({ text: '{{x}}', offset: text.indexOf('{{') });
  });

  it('ignores a placeholder elsewhere on the line', () => {
    const text = '{"image": "${IMAGE}",, "b": 1}';
    expect(placeholderAtFailure(text, text.indexOf(',,') + 1)).toBeUndefined();
  });

  it('does not take a bare word such as TODO for a substitution', () => {
    const text = '{"a": TODO}';
    expect(placeholderAtFailure(text, text.indexOf('TODO'))).toBeUndefined();
  });

  it('looks only near the failure on a minified file of one long line', () => {
    const text = `{"a": ${'1,'.repeat(100_000)} __LATE__}`;
    expect(placeholderAtFailure(text, text.indexOf('__LATE__'))?.text).toBe('__LATE__');
    expect(placeholderAtFailure(text, 1)).toBeUndefined();
  });
});
