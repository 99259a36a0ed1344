// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). Invalid
// characters and lengths are the schema's: schema-reported.json checks that the rule does not repeat them.
import { moduleName } from '../../src/rules/module-name.js';
import { testRule } from './rule-tester.js';

testRule(moduleName, {
  valid: [{ file: 'distinct-names.json' }, { file: 'schema-reported.json' }],
  invalid: [
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
