// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). ci-tokens.json
// copies the tokens of Azure/iotedge e2e_deployment_files/nestededge_middleLayerBaseDeployment_amqp.json;
// genconfig-leftovers.json is what iotedgedev `solution genconfig` writes when variables are unset.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { unresolvedPlaceholder } from '../../src/rules/unresolved-placeholder.js';
import { lintWithRule, RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(unresolvedPlaceholder, {
  valid: [{ file: 'generated.json' }, { file: 'leftovers.template.json' }],
  invalid: [
    {
      file: 'ci-tokens.json',
      errors: [
        { messageId: 'value', line: 13, column: 30, messageIncludes: '`username` still holds the placeholder <CR.Username>' },
        { messageId: 'value', line: 24, column: 25, messageIncludes: '<Container_Registry>' },
        { messageId: 'value', line: 24, column: 75, messageIncludes: '<Build.BuildNumber>' },
        { messageId: 'value', line: 24, column: 101, messageIncludes: '<Architecture>' },
        { messageId: 'value', line: 46, column: 27, messageIncludes: '`trackingId` still holds the placeholder <TrackingId>' },
        { messageId: 'value', line: 50, column: 25 },
        { messageId: 'value', line: 50, column: 77 },
        { messageId: 'value', line: 50, column: 103 },
      ],
    },
    {
      file: 'genconfig-leftovers.json',
      errors: [
        { messageId: 'value', line: 15, column: 29, messageIncludes: '$CONTAINER_REGISTRY_ADDRESS' },
        { messageId: 'value', line: 50, column: 25, messageIncludes: '${MODULES.filter.amd64}' },
        // A key inside a module twin breaks IoT Hub's twin key rule too, so validation reports it (no message id).
        { line: 79, column: 9, messageIncludes: 'key `$THRESHOLD_NAME` holds the unresolved placeholder' },
        { messageId: 'value', line: 80, column: 30, messageIncludes: '${API_HOST}' },
      ],
    },
  ],
});

it('unresolved-placeholder: placeholders that break the schema are reported once, by validation', async () => {
  const file = join(RULE_FIXTURES, 'unresolved-placeholder', 'schema-breaking.json');
  const { own } = await lintWithRule(unresolvedPlaceholder, { file, text: readFileSync(file, 'utf8') });
  expect(own.map((finding) => `${finding.line}:${finding.column} ${finding.messageId ?? 'validation'}`)).toEqual(['36:23 validation', '39:15 validation']);
});
