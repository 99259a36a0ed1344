// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). Invalid
// characters and lengths are found by the schema and reported under this rule's id
// (schema-reported.json), once each.
import { moduleName } from '../../src/rules/module-name.js';
import { testRule } from './rule-tester.js';

testRule(moduleName, {
  valid: [{ file: 'distinct-names.json' }],
  invalid: [
    {
      file: 'schema-reported.json',
      errors: [
        { messageId: 'schema', line: 33, column: 11, severity: 'error', messageIncludes: 'module name `sensor.v2` is not allowed' },
        { messageId: 'schema', line: 43, column: 11, severity: 'error', messageIncludes: 'module name `$edgeHub` is not allowed' },
      ],
    },
    {
      file: 'reserved-names.json',
      errors: [
        { messageId: 'reserved', line: 33, column: 11, severity: 'error', messageIncludes: 'user module "edgeHub"' },
        { messageId: 'reservedCase', line: 43, column: 11, severity: 'warning', messageIncludes: '"EdgeAgent"' },
        { messageId: 'twinWithoutDollar', line: 71, column: 5, severity: 'warning', messageIncludes: 'rename it to "$edgeAgent"' },
      ],
    },
  ],
});
