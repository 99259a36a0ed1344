// Fixtures are built from templates/minimal.json and templates/offline.json by
// test/fixtures/rules/bind-path/make-fixtures.mjs. The Windows binds use the drive-letter forms
// that moby's windows_parser.go accepts; "rwm" as a bind mode is the Devices CgroupPermissions
// value, easy to mix up with a bind mode. No single public manifest inspired these cases.
import { bindPath } from '../../src/rules/bind-path.js';
import { testRule } from './rule-tester.js';

testRule(bindPath, {
  valid: [{ file: 'valid-binds.json' }, { file: 'placeholders.template.json' }],
  invalid: [
    {
      file: 'invalid-binds.json',
      // In string createOptions a finding points at the bind string's opening (escaped) quote.
      errors: [
        { messageId: 'relativeHost', line: 40, column: 61, messageIncludes: '"./config"' },
        { messageId: 'noContainer', line: 40, column: 86 },
        { messageId: 'modeWithoutContainer', line: 40, column: 112 },
        { messageId: 'relativeContainer', line: 40, column: 129, messageIncludes: '"app/logs"' },
        { messageId: 'unknownMode', line: 40, column: 168, messageIncludes: '"rwm"' },
        { messageId: 'modeTwice', line: 40, column: 186, messageIncludes: '(ro and rw)' },
        { messageId: 'nocopyOnBind', line: 40, column: 214 },
        { messageId: 'tooManyParts', line: 40, column: 238 },
        { messageId: 'rootContainer', line: 40, column: 254 },
        { messageId: 'emptyHost', line: 40, column: 258 },
        { messageId: 'windowsMode', line: 50, column: 102, messageIncludes: '"Z"' },
      ],
    },
    {
      file: 'invalid-binds.template.json',
      // A finding points at the offending part of the bind, in object and in string createOptions.
      errors: [
        { messageId: 'relativeHost', line: 43, column: 21, severity: 'error' },
        { messageId: 'relativeContainer', line: 44, column: 32, severity: 'error' },
        { messageId: 'unknownMode', line: 45, column: 48, severity: 'error' },
      ],
    },
  ],
});
