// Fixtures derive from templates/minimal.json; the offline settings come from the IoT Edge
// offline documentation (shared/seed/offline-capabilities.fr.md). proxy-hub-amqpws.json follows
// the IoT Edge proxy documentation (https_proxy on both, UpstreamProtocol AmqpWs on edgeHub):
// edgeAgent without a value falls back to AmqpWs itself, so nothing fails. agent-only.json:
// edgeAgent passes its value to edgeHub, which sets none. both-websockets.json: AmqpWs and MqttWs
// both use port 443.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { upstreamProtocol } from '../../src/rules/upstream-protocol.js';
import { applySuggestion } from './apply-suggestion.js';
import { lintWithRule, RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(upstreamProtocol, {
  valid: [
    { file: 'both-mqtt.json' },
    { file: 'case-insensitive.json' },
    { file: 'neither.json' },
    { file: 'placeholders.template.json' },
    { file: 'agent-only.json' },
    { file: 'proxy-hub-amqpws.json' },
    { file: 'hub-mqttws-agent-unset.json' },
    { file: 'both-websockets.json' },
  ],
  invalid: [
    { file: 'invalid-value.json', errors: [{ messageId: 'invalidHub', line: 37, column: 26, severity: 'error', messageIncludes: '"MQTT-TLS"' }] },
    { file: 'invalid-agent.json', errors: [{ messageId: 'invalidAgent', line: 23, column: 26, severity: 'error', messageIncludes: 'then AmqpWs (port 443)' }] },
    { file: 'hub-only.json', errors: [{ messageId: 'agentUnset', line: 31, column: 15, severity: 'warning' }], output: 'hub-only.fixed.json' },
    { file: 'mismatch.json', errors: [{ messageId: 'mismatch', line: 23, column: 26, severity: 'warning', messageIncludes: 'AmqpWs (port 443) but edgeAgent uses Mqtt (port 8883)' }] },
  ],
});

const read = (name: string) => {
  const file = join(RULE_FIXTURES, 'upstream-protocol', name);
  return { file, text: readFileSync(file, 'utf8') };
};

it('offers either protocol for a mismatch, and applies neither with --fix', async () => {
  const { own } = await lintWithRule(upstreamProtocol, read('mismatch.json'));
  expect(own[0]!.fix).toBeUndefined();
  const suggestions = own[0]!.suggestions!;
  expect(suggestions.map((s) => s.description)).toEqual(['use AmqpWs on edgeAgent too', 'use Mqtt on edgeHub too']);
  expect(await applySuggestion(read('mismatch.json'), suggestions[0]!.fix)).toBe(read('mismatch.fixed.json').text);
  const other = await applySuggestion(read('mismatch.json'), suggestions[1]!.fix);
  expect((await lintWithRule(upstreamProtocol, { file: 'other.json', text: other })).own).toEqual([]);
});

it('suggests the closest protocol for a misspelt value', async () => {
  const { own } = await lintWithRule(upstreamProtocol, read('invalid-agent.json'));
  expect(own[0]!.suggestions!.map((s) => s.description)).toEqual(['use AmqpWs']);
  const { own: invalidHub } = await lintWithRule(upstreamProtocol, read('invalid-value.json'));
  expect(invalidHub[0]!.suggestions).toBeUndefined(); // MQTT-TLS is not close to any protocol
});
