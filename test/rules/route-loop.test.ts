// route-loop: a route that hands a module its own messages. invalid.json's first two routes are
// those of the azure-iotedge-aggregationmodule sample's README (ghcr.io/kbeaugrand-org): all module
// messages go to AggregationModule, whose outputs are also sent upstream, so it receives its own
// aggregates; Moxa's jq_module README documents the same shape (FROM /messages/modules/* INTO its
// own input). valid.json holds conditions that surely keep the module out
// ($connectionModuleId != 'filter', {$connectionModuleId} <> ..., AND with a sender test,
// NOT is_defined(...)), a module the deployment does not run (route-reference reports it), and
// a literal '*' in the middle of the source, which matches no real module, and a route kept to one
// named (child) device, as in Azure/iotedge's nested-edge e2e deployment.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { routeLoop } from '../../src/rules/route-loop.js';
import { applySuggestion } from './apply-suggestion.js';
import { lintWithRule, RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(routeLoop, {
  valid: [{ file: 'valid.json' }],
  invalid: [
    {
      file: 'invalid.json',
      errors: [
        { messageId: 'loop', line: 75, column: 44, severity: 'warning', messageIncludes: 'AggregationModule receives its own output' },
        { messageId: 'loop', line: 77, column: 32, severity: 'warning', messageIncludes: 'filter\'s input "input1"' },
        // The source names the module itself (in another case: edgeHub matches sources ignoring case).
        { messageId: 'selfLoop', line: 78, column: 33, severity: 'warning' },
        // A $body condition may or may not keep filter's messages out.
        { messageId: 'loopWhere', line: 79, column: 32, severity: 'warning' },
        // Judged: the OR lets every message from filter through.
        { messageId: 'loop', line: 80, column: 35, severity: 'warning' },
      ],
    },
  ],
});

const input = () => {
  const file = join(RULE_FIXTURES, 'route-loop', 'invalid.json');
  return { file, text: readFileSync(file, 'utf8') };
};

it('suggests keeping the module out with a condition, which then clears the finding', async () => {
  const { own } = await lintWithRule(routeLoop, input());
  expect(own.every((f) => f.fix === undefined)).toBe(true);
  const [aggregation, , , hot] = own;
  expect(aggregation!.suggestions!.map((s) => s.description)).toEqual(["keep AggregationModule's own messages out: WHERE $connectionModuleId != 'AggregationModule'"]);
  let text = await applySuggestion(input(), aggregation!.suggestions![0]!.fix);
  expect(text).toContain(`"FROM /messages/modules/* WHERE $connectionModuleId != 'AggregationModule' INTO BrokeredEndpoint(\\"/modules/AggregationModule/inputs/inputMessage\\")"`);
  text = await applySuggestion({ file: input().file, text }, hot!.suggestions![0]!.fix);
  expect(text).toContain(`"FROM /messages/* WHERE ($body.machine.temperature > 30) AND $connectionModuleId != 'filter' INTO`);
  const relinted = await lintWithRule(routeLoop, { file: input().file, text });
  expect(relinted.own.map((f) => f.line)).toEqual([77, 78, 80]);
});

it('has no suggestion when the source names the module itself', async () => {
  const { own } = await lintWithRule(routeLoop, input());
  expect(own.find((f) => f.messageId === 'selfLoop')!.suggestions).toBeUndefined();
});
