// Suggestions (ESLint's name for fixes that have to choose) reach the findings, with secrets
// masked, and --fix never applies them. The rule here is a stand-in: upstream-protocol's
// "which protocol do both use?" is the real case.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixSource } from '../../src/lint/fix-source.js';
import { lintSource } from '../../src/lint/lint-source.js';
import type { Rule } from '../../src/rules/rule.js';

const MIXED = join(import.meta.dirname, '..', 'fixtures', 'lint', 'mixed.json');
const AGENT_PROTOCOL = '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeAgent/env/UpstreamProtocol';

const choosesProtocol: Rule = {
  meta: {
    id: 'choose-protocol',
    defaultSeverity: 'warning',
    description: 'test rule',
    fixable: false,
    docs: { sources: [] },
    messages: { choose: 'edgeAgent has no UpstreamProtocol; set one' },
  },
  check: () => [
    {
      messageId: 'choose',
      pointer: '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeAgent',
      suggestions: [
        { description: 'use Mqtt, as edgeHub does', fix: { edits: [{ op: 'set', pointer: AGENT_PROTOCOL, value: { value: 'Mqtt' } }] } },
        // A value that happens to be the registry password must not be printed.
        { description: 'use the value 987654321', fix: { edits: [{ op: 'set', pointer: AGENT_PROTOCOL, value: { value: '987654321' } }] } },
      ],
    },
  ],
};

const options = { rules: [choosesProtocol], config: { rules: {} } };

describe('suggestions', () => {
  it('reach the finding, with secrets masked in their text', async () => {
    const linted = await lintSource({ file: 'mixed.json', text: readFileSync(MIXED, 'utf8') }, options);
    const finding = linted.findings.find((f) => f.ruleId === 'choose-protocol')!;
    expect(finding.fix).toBeUndefined();
    expect(finding.suggestions?.map((s) => s.description)).toEqual(['use Mqtt, as edgeHub does', 'use the value ****']);
    expect(finding.suggestions?.[1]!.fix.edits[0]).toEqual({ op: 'set', pointer: AGENT_PROTOCOL, value: { value: '****' } });
  });

  it('are never applied by --fix', async () => {
    const text = readFileSync(MIXED, 'utf8');
    const fixed = await fixSource({ file: 'mixed.json', text }, options);
    expect(fixed).toMatchObject({ text, fixed: 0, applied: [] });
  });
});
