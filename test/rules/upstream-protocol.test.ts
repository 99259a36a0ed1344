// Fixtures derive from templates/minimal.json; the offline settings come from the IoT Edge
// offline documentation (shared/seed/offline-capabilities.fr.md).
import { upstreamProtocol } from '../../src/rules/upstream-protocol.js';
import { testRule } from './rule-tester.js';

testRule(upstreamProtocol, {
  valid: [{ file: 'both-mqtt.json' }, { file: 'case-insensitive.json' }, { file: 'neither.json' }, { file: 'placeholders.template.json' }],
  invalid: [
    { file: 'invalid-value.json', errors: [{ messageId: 'invalid', line: 37, column: 26, severity: 'error', messageIncludes: '"MQTT-TLS"' }] },
    { file: 'hub-only.json', errors: [{ messageId: 'onlyOne', line: 31, column: 15, severity: 'warning' }], output: 'hub-only.fixed.json' },
    { file: 'mismatch.json', errors: [{ messageId: 'mismatch', line: 23, column: 26, severity: 'warning' }], output: 'mismatch.fixed.json' },
  ],
});
