// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). The env names
// come from public manifests: LogAnalyticsSharedKey (Azure/iotedge metrics-collector
// ExampleDeployment.json), IoTHubConnectionString, and MSSQL_SA_PASSWORD (Azure SQL Edge).
// release-tokens.json uses the tokens of release pipelines (Replace Tokens #{…}#, Tokenizer
// __…__, Azure Pipelines $(…), the Azure ML IoT Edge samples' __REGISTRY_PASSWORD).
// switches-and-stand-ins.template.json: bitnami/redis ALLOW_EMPTY_PASSWORD=yes (Azure-Samples/
// azure-intelligent-edge-patterns edge-ai-void-detection/deployment.template.json) and the
// APPINSIGHTS_CONNECTION_STRING "x" of mobilabsolutions/iotedge-cicd-github-actions.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { plaintextSecret } from '../../src/rules/plaintext-secret.js';
import { formatMessage } from '../../src/rules/rule.js';
import { validateSource } from '../../src/validate/validate-source.js';
import { RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(plaintextSecret, {
  valid: [{ file: 'placeholders.template.json' }, { file: 'release-tokens.json' }, { file: 'switches-and-stand-ins.template.json' }],
  invalid: [
    {
      file: 'literal-secrets.json',
      errors: [
        { messageId: 'registryPassword', line: 14, column: 29, messageIncludes: 'registry credential "myacr" holds a literal password' },
        { messageId: 'env', line: 46, column: 26, messageIncludes: 'such as "$LOG_ANALYTICS_SHARED_KEY"' },
        { messageId: 'env', line: 64, column: 26, messageIncludes: 'such as "$IOT_HUB_CONNECTION_STRING"' },
        { messageId: 'env', line: 67, column: 26, messageIncludes: 'the env var UPSTREAM' },
        { messageId: 'createOptionsEnv', line: 82, column: 61, messageIncludes: 'MSSQL_SA_PASSWORD in createOptions Env' },
      ],
    },
    {
      // Only whole switch words and single characters are let through.
      file: 'near-switches.json',
      errors: [
        { messageId: 'env', line: 40, column: 26, messageIncludes: 'the env var REDIS_PASSWORD' },
        { messageId: 'env', line: 43, column: 26, messageIncludes: 'the env var API_TOKEN' },
      ],
    },
  ],
});

it('plaintext-secret: messages never contain the secret, even before the engine masks them', async () => {
  const file = join(RULE_FIXTURES, 'plaintext-secret', 'literal-secrets.json');
  const { manifest } = await validateSource({ file, text: readFileSync(file, 'utf8') });
  const messages = plaintextSecret.check(manifest!).map((report) => formatMessage(plaintextSecret.meta.messages[report.messageId]!, report.data));
  expect(messages).toHaveLength(5);
  for (const secret of ['q7Zr+Lw0p2fX', 'c2VjcmV0LWtleS1', 'dGVzdC1vbmx5LWtleQ', 'YWNjb3VudC1rZXk', 'Str0ng!Passw0rd']) {
    for (const message of messages) expect(message).not.toContain(secret);
  }
});
