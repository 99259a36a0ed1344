// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). The
// localhost:5000 image is the local registry iotedgedev sets up (as in Azure/iotedgehubdev's
// deployment_with_chunked_create_options.json).
import { testRule } from './rule-tester.js';
import { registryCredentials } from '../../src/rules/registry-credentials.js';

testRule(registryCredentials, {
  valid: [{ file: 'credentials-match.json' }, { file: 'placeholder-address.template.json' }],
  invalid: [
    {
      file: 'missing-credentials.json',
      errors: [
        { messageId: 'missing', line: 45, column: 24, messageIncludes: 'add a credential with "address": "myacr.azurecr.io"' },
        { messageId: 'missing', line: 55, column: 24, messageIncludes: '"address": "localhost:5000"' },
      ],
    },
  ],
});
