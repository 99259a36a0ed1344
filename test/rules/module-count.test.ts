// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs).
import { moduleCount } from '../../src/rules/module-count.js';
import { testRule } from './rule-tester.js';

testRule(moduleCount, {
  valid: [{ file: 'fifty-modules.json' }],
  invalid: [{ file: 'fifty-one-modules.json', errors: [{ messageId: 'tooMany', line: 32, column: 9, messageIncludes: 'defines 51 user modules' }] }],
});
