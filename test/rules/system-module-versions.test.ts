// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). nested-edge.json
// uses the $upstream:443 images of the nested-edge tutorial; ci-tokens.json the tokens of
// Azure/iotedge e2e_deployment_files; microsoft/azureiotedge-hub is the pre-GA Docker Hub image
// that old manifests (azure-iot-cli-extension test_edge_deployment_v1.json) still use.
import { systemModuleVersions } from '../../src/rules/system-module-versions.js';
import { testRule } from './rule-tester.js';

testRule(systemModuleVersions, {
  valid: [{ file: 'same-version.json' }, { file: 'nested-edge.json' }, { file: 'ci-tokens.json' }],
  invalid: [
    { file: 'version-mismatch.json', errors: [{ messageId: 'mismatch', line: 27, column: 24, messageIncludes: 'edgeHub runs 1.5 ("mcr.microsoft.com/azureiotedge-hub:1.5") but edgeAgent runs 1.4' }] },
    {
      file: 'unofficial-images.json',
      errors: [
        { messageId: 'unofficial', line: 18, column: 24, messageIncludes: 'not mcr.microsoft.com/azureiotedge-agent' },
        { messageId: 'unofficial', line: 27, column: 24, messageIncludes: '"microsoft/azureiotedge-hub:1.5"' },
      ],
    },
  ],
});
