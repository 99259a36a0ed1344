// route-source: sources edgeHub accepts but no message can match. The near-misses are the ones
// seen in public deployments and questions: `.../output/<name>` for `.../outputs/<name>`,
// `/messages/module/<m>`, IoT Hub's `/messages/events`, a module's inputs used as a source, and the
// BrokeredEndpoint shape `/modules/<m>/...` used as a source. The valid fixture holds every
// documented form, including `/messages/modules/<m>/outputs` without a name, which matches by
// prefix (edgeHub's MessageSourceTest), so it is not reported.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { routeSource } from '../../src/rules/route-source.js';
import { applySuggestion } from './apply-suggestion.js';
import { lintWithRule, RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(routeSource, {
  valid: [{ file: 'valid.json' }],
  invalid: [
    {
      file: 'invalid.json',
      output: 'invalid.fixed.json',
      errors: [
        { messageId: 'misspelt', line: 60, column: 62, messageIncludes: 'write /messages/modules/sensor/outputs/temperatureOutput' },
        { messageId: 'singularOutput', line: 61, column: 59 },
        { messageId: 'misspelt', line: 62, column: 45, messageIncludes: '"modules" where this has "module"' },
        { messageId: 'input', line: 63, column: 55, messageIncludes: 'FROM /messages/modules/filter/outputs/*' },
        { messageId: 'messages', line: 64, column: 43, messageIncludes: 'not "events"' },
        { messageId: 'root', line: 65, column: 32, messageIncludes: 'none starts with "/modules"' },
        { messageId: 'twin', line: 66, column: 55 },
        { messageId: 'misspelt', line: 67, column: 50, messageIncludes: 'write /messages/modules/filter/outputs/*' },
        { messageId: 'misspelt', line: 68, column: 34, messageIncludes: 'write /messages/*' },
      ],
    },
  ],
});

const input = () => {
  const file = join(RULE_FIXTURES, 'route-source', 'invalid.json');
  return { file, text: readFileSync(file, 'utf8') };
};

it('offers both readings of a bare singular output, and fixes neither', async () => {
  const { own } = await lintWithRule(routeSource, input());
  const finding = own.find((f) => f.messageId === 'singularOutput')!;
  expect(finding.fix).toBeUndefined();
  expect(finding.suggestions!.map((s) => s.description)).toEqual([
    'read all outputs of sensor: /messages/modules/sensor/outputs/*',
    'read the output named "output": /messages/modules/sensor/outputs/output',
  ]);
  const applied = await applySuggestion(input(), finding.suggestions![0]!.fix);
  expect(applied).toContain('"singularAlone": "FROM /messages/modules/sensor/outputs/* INTO $upstream"');
  const relinted = await lintWithRule(routeSource, { file: input().file, text: applied });
  expect(relinted.own.map((f) => f.messageId)).not.toContain('singularOutput');
});

it('only suggests the closest word for a typo, since it is a guess', async () => {
  const { own } = await lintWithRule(routeSource, input());
  const typo = own.find((f) => f.line === 67)!;
  expect(typo.fix).toBeUndefined();
  expect(typo.suggestions!.map((s) => s.description)).toEqual(['read from /messages/modules/filter/outputs/*']);
});
