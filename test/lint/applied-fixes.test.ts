// What --fix lists for each applied fix: file:line, rule, and each value before → after, with
// secrets masked. The fixture is templates/offline.json with edgeHub's storage bind dropped
// and a SAS token in its env (the shape of many public gateway manifests).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixSource } from '../../src/lint/fix-source.js';
import type { FixedFile } from '../../src/findings.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { formatAppliedFixes, formatWouldFix } from '../../src/report/fix-report.js';
import { RULES } from '../../src/rules/index.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'lint', 'storage-unbound.json');
const HUB = '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeHub';

describe('applied fixes', () => {
  it('records the rule, the finding line and the value before and after', async () => {
    const text = readFileSync(FIXTURE, 'utf8');
    const fixed = await fixSource({ file: 'deployment.json', text }, { rules: RULES, config: { rules: {} } });
    const storageLine = text.split('\n').lastIndexOf('              "storageFolder": {') + 2; // edgeHub's, the value line
    expect(fixed.applied).toEqual([
      {
        ruleId: 'storage-folder-bind',
        line: storageLine,
        column: expect.any(Number),
        changes: [{ pointer: `${HUB}/settings/createOptions/HostConfig/Binds`, before: undefined, after: '["/srv/iotedge/edgehub:/iotedge/storage"]' }],
      },
    ]);
    expect(fixed.secrets).toContain('SharedAccessSignature-sr=hub&sig=Qx7Vn2');
    expect(formatAppliedFixes({ file: 'deployment.json', count: fixed.fixed, written: true, applied: fixed.applied })).toBe(
      `deployment.json:${storageLine}  storage-folder-bind  HostConfig.Binds: (none) → ["/srv/iotedge/edgehub:/iotedge/storage"]\nfixed 1 problem in deployment.json\n`,
    );
  });

  it('says what an append, a removal, a rewrite and a long value did', () => {
    const fixed: FixedFile = {
      file: 'config/deployment.json',
      count: 3,
      written: true,
      applied: [
        { ruleId: 'storage-folder-bind', line: 42, column: 17, changes: [{ pointer: `${HUB}/settings/createOptions/HostConfig/Binds/-`, after: '"/srv/iotedge/edgehub:/iotedge/storage"' }] },
        { ruleId: 'some-rule', line: 50, column: 3, changes: [{ pointer: `${HUB}/env/OldName`, before: '{"value":"x"}' }] },
        { ruleId: 'create-options-chunks', line: 60, column: 15, changes: [{ pointer: `${HUB}/settings/createOptions`, before: '{"HostConfig":{}}', after: '{"HostConfig":{}}' }] },
        { ruleId: 'upstream-protocol', line: 70, column: 9, changes: [{ pointer: `${HUB}/env/Long`, before: '"' + 'a'.repeat(80) + '"', after: '"b"' }] },
      ],
    };
    expect(formatAppliedFixes(fixed).split('\n')).toEqual([
      'config/deployment.json:42  storage-folder-bind  HostConfig.Binds: + "/srv/iotedge/edgehub:/iotedge/storage"',
      'config/deployment.json:50  some-rule  env.OldName: {"value":"x"} → (removed)',
      'config/deployment.json:60  create-options-chunks  settings.createOptions: rewritten, value unchanged',
      `config/deployment.json:70  upstream-protocol  env.Long: "${'a'.repeat(58)}… → "b"`,
      'fixed 3 problems in config/deployment.json',
      '',
    ]);
  });
});

describe('fixes the editor cannot write', () => {
  // A second "settings" key in tempSensor: the fix that re-chunks its createOptions would meet it.
  function withDuplicateSettings(): string {
    const text = readFileSync(FIXTURE, 'utf8');
    const doubled = text.replace(/\n(\s+)"settings": \{/, '\n$1"settings": null,\n$1"settings": {');
    expect(doubled).not.toBe(text);
    return doubled;
  }

  it('are listed with the reason, not skipped silently', async () => {
    const fixed = await fixSource({ file: 'deployment.json', text: withDuplicateSettings() }, { rules: RULES, config: { rules: {} } });
    expect(fixed.fixed).toBe(0);
    expect(fixed.unfixable).toMatch(/a key appears twice/);
    const file: FixedFile = { file: 'deployment.json', count: 0, written: false, applied: [], unfixable: fixed.unfixable! };
    expect(formatAppliedFixes(file)).toBe(`could not fix deployment.json: ${fixed.unfixable}\n`);
    expect(formatWouldFix(file)).toBe(`could not fix deployment.json: ${fixed.unfixable}\n`);
    expect(formatWouldFix({ ...file, count: 2 })).toBe(`would fix 2 problems in deployment.json\ncould not fix deployment.json further: ${fixed.unfixable}\n`);
  });

  it('reach the user of `lint --fix` on stderr, and the file is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'edgewise-unfixable-'));
    const path = join(dir, 'deployment.json');
    const text = withDuplicateSettings();
    writeFileSync(path, text);
    const result = await runLint([path], { reports: [{ format: 'stylish' }], fix: true, color: false, toolVersion: 'test' });
    expect(result.stderr).toMatch(new RegExp(`could not fix ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: a key appears twice`));
    expect(readFileSync(path, 'utf8')).toBe(text);
  });
});
