// The rules whose checks run during loading and validation (parse, duplicate-key, schema,
// schema-version, create-options-json) go through the same tester: lint reports them with
// their rule ids, at the right place. Fixtures derive from templates/minimal.json.
import { createOptionsJson } from '../../src/rules/create-options-json.js';
import { duplicateKey } from '../../src/rules/duplicate-key.js';
import { parse } from '../../src/rules/parse.js';
import { schema } from '../../src/rules/schema.js';
import { schemaVersion } from '../../src/rules/schema-version.js';
import { testRule } from './rule-tester.js';

testRule(parse, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ line: 6, column: 9, messageIncludes: 'a comma was expected' }] }] });
testRule(duplicateKey, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ line: 6, column: 9, messageIncludes: 'first occurrence at line 5, column 9' }] }] });
testRule(schema, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ line: 25, column: 30, messageIncludes: '(got "on-failured")' }] }] });
testRule(schemaVersion, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ line: 37, column: 26, messageIncludes: 'edgeHub accepts 1.0, 1.1, 1.2 or 1.3' }] }] });
testRule(createOptionsJson, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ line: 28, column: 73, messageIncludes: 'not valid JSON' }] }] });
