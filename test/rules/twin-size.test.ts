// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs): a plant of
// OPC Publisher modules (mcr.microsoft.com/iotedge/opc-publisher) with chunked createOptions as
// iotedgedev writes them; 29 of them come close to the 32 KB $edgeAgent twin, 33 exceed it.
import { expect, it } from 'vitest';
import { twinSize } from '../../src/rules/twin-size.js';
import { twinStringBytes, twinValueBytes } from '../../src/manifest/twin-json-size.js';
import { testRule } from './rule-tester.js';

testRule(twinSize, {
  valid: [{ file: 'small-plant.json' }],
  invalid: [
    { file: 'agent-near-limit.json', errors: [{ messageId: 'nearLimit', line: 4, column: 7, severity: 'warning', messageIncludes: 'about 29922 bytes' }] },
    // Without counting object createOptions as the text generation writes, this template would stay under 25 KB.
    { file: 'agent-near-limit.template.json', errors: [{ messageId: 'nearLimit', line: 4, column: 7, severity: 'warning', messageIncludes: 'about 29487 bytes' }] },
    { file: 'agent-too-large.json', errors: [{ messageId: 'tooLarge', line: 4, column: 7, severity: 'error', messageIncludes: 'of $edgeAgent come to about 33994 bytes' }] },
    {
      file: 'twin-limits.json',
      errors: [
        { messageId: 'longString', line: 90, column: 24, severity: 'error', messageIncludes: '`certificate` in opcPublisherLine01 is 5172 bytes' },
        { messageId: 'longKey', line: 91, column: 9, severity: 'error', messageIncludes: '1105 bytes' },
        { messageId: 'tooDeep', line: 102, column: 29, severity: 'error', messageIncludes: '11 levels below properties.desired' },
      ],
    },
  ],
});

it('twin-size: counts keys and values as the IoT Hub docs describe', () => {
  expect(twinStringBytes('añ€😀')).toBe(1 + 2 + 3 + 4);
  expect(twinStringBytes('a\u0001b\u0085c')).toBe(3); // C0 and C1 control characters are not counted
  expect(twinValueBytes({ name: 'ab', count: 3, on: true, nested: { x: 'y' }, $version: 4 })).toBe(4 + 2 + 5 + 8 + 2 + 4 + 6 + 1 + 1);
});
