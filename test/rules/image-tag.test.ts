// placeholder-*.template.json are built by the folder's make-fixtures.mjs; their registry
// placeholders follow release pipelines seen in public IoT Edge repositories (iotedgedev
// ${ACR_ADDRESS}, Azure Pipelines $(ContainerRegistry), Replace Tokens #{ACR}#, Tokenizer
// __REGISTRY__, and Azure/iotedge e2e_deployment_files' <Container_Registry>…<Build.BuildNumber>).
import { imageTagRule } from '../../src/rules/image-tag.js';
import { testRule } from './rule-tester.js';

testRule(imageTagRule, {
  valid: [{ file: 'pinned.json' }, { file: 'placeholder-tags.template.json' }],
  invalid: [
    {
      file: 'untagged-and-latest.json',
      errors: [
        { messageId: 'untagged', line: 39, column: 24 },
        { messageId: 'latest', line: 49, column: 24, messageIncludes: 'localhost:5000/filter:latest' },
      ],
    },
    {
      file: 'placeholder-registries.template.json',
      errors: [
        { messageId: 'latest', line: 39, column: 24, messageIncludes: '${ACR_ADDRESS}/filter:latest' },
        { messageId: 'movingTag', line: 49, column: 24, messageIncludes: 'uses the moving tag :latest-amd64' },
        { messageId: 'untagged', line: 59, column: 24, messageIncludes: '"#{ACR}#/sensor" has no tag' },
        { messageId: 'movingTag', line: 69, column: 24, messageIncludes: ':arm32v7-latest' },
      ],
    },
  ],
});
