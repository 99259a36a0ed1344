// The rules that report what loading and validation found (parse, duplicate-key, schema,
// schema-version, create-options-json) go through the same tester: their checks report it with
// their rule ids and message ids, at the right place. Fixtures derive from templates/minimal.json.
// create-options-json also has a check of its own: the note naming the checks that could not
// read a module's createOptions.
import { createOptionsJson } from '../../src/rules/create-options-json.js';
import { duplicateKey } from '../../src/rules/duplicate-key.js';
import { parse } from '../../src/rules/parse.js';
import { schema } from '../../src/rules/schema.js';
import { schemaVersion } from '../../src/rules/schema-version.js';
import { testRule } from './rule-tester.js';

testRule(parse, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ messageId: 'unparsable', line: 6, column: 9, messageIncludes: 'a comma was expected' }] }] });
testRule(duplicateKey, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ messageId: 'duplicate', line: 6, column: 9, messageIncludes: 'first occurrence at line 5, column 9' }] }] });
testRule(schema, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ messageId: 'schema', line: 25, column: 30, messageIncludes: '(got "on-failured")' }] }] });
testRule(schemaVersion, { valid: [{ file: 'valid.json' }], invalid: [{ file: 'invalid.json', errors: [{ messageId: 'schema', line: 37, column: 26, messageIncludes: 'edgeHub accepts 1.0, 1.1, 1.2 or 1.3' }] }] });
testRule(createOptionsJson, {
  valid: [{ file: 'valid.json' }],
  invalid: [
    {
      file: 'invalid.json',
      errors: [
        { messageId: 'checksSkipped', line: 22, column: 11, severity: 'info', messageIncludes: "edgeHub's createOptions could not be read, so these checks did not look at them: schema, create-options-docker, bind-path" },
        { messageId: 'invalid', line: 28, column: 73, severity: 'error', messageIncludes: 'not valid JSON' },
      ],
    },
    {
      // Newtonsoft.Json reads it, so it is a warning and the checks still run (no checksSkipped).
      file: 'newtonsoft-only.json',
      errors: [
        { messageId: 'notPortable', line: 40, column: 34, severity: 'warning', messageIncludes: 'not portable JSON: the key `HostConfig` is not in double quotes (and 7 more places' },
        // Avanade/2DOF-PI-WebRTC-Camera's one unquoted key.
        { messageId: 'notPortable', line: 50, column: 93, severity: 'warning', messageIncludes: 'the key `HostConfig` is not in double quotes. edgeAgent reads it' },
      ],
    },
  ],
});
