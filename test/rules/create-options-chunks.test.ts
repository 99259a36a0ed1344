// Fixtures are built from templates/minimal.json by
// test/fixtures/rules/create-options-chunks/make-fixtures.mjs; the *.fixed.json outputs were
// checked by hand (same options once joined, chunks of 512 characters, rest of the file as is).
// The module's long Cmd follows OPC Publisher deployments such as Azure/Industrial-IoT's.
import { createOptionsChunks } from '../../src/rules/create-options-chunks.js';
import { testRule } from './rule-tester.js';

testRule(createOptionsChunks, {
  valid: [{ file: 'tool-chunks.json' }],
  invalid: [
    {
      file: 'long-chunk.json',
      errors: [{ messageId: 'chunkOverToolSize', line: 40, column: 15, severity: 'warning', messageIncludes: '711 characters' }],
      output: 'long-chunk.fixed.json',
    },
    {
      file: 'multibyte-chunk.json',
      errors: [{ messageId: 'chunkTooLarge', line: 40, column: 15, severity: 'error', messageIncludes: '4361 bytes' }],
      output: 'multibyte-chunk.fixed.json',
    },
    {
      file: 'pretty-chunks.json',
      errors: [{ messageId: 'overToolCountSpaces', line: 48, column: 15, severity: 'warning', messageIncludes: 'needs only 8' }],
      output: 'pretty-chunks.fixed.json',
    },
    { file: 'nine-chunks.json', errors: [{ messageId: 'overToolCount', line: 48, column: 15, severity: 'warning' }] },
    { file: 'beyond-99.json', errors: [{ messageId: 'tooManyChunks', line: 42, column: 15, severity: 'error', messageIncludes: 'chunk 101' }] },
  ],
});
