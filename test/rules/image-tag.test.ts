import { imageTagRule } from '../../src/rules/image-tag.js';
import { testRule } from './rule-tester.js';

testRule(imageTagRule, {
  valid: [{ file: 'pinned.json' }],
  invalid: [
    {
      file: 'untagged-and-latest.json',
      errors: [
        { messageId: 'untagged', line: 39, column: 24 },
        { messageId: 'latest', line: 49, column: 24, messageIncludes: 'localhost:5000/filter:latest' },
      ],
    },
  ],
});
