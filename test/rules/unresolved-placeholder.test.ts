// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). ci-tokens.json
// copies the tokens of Azure/iotedge e2e_deployment_files/nestededge_middleLayerBaseDeployment_amqp.json;
// genconfig-leftovers.json is what iotedgedev `solution genconfig` writes when variables are unset;
// release-tokens.json follows manifests handed to Azure Pipelines (Replace Tokens `#{…}#`, the
// Azure ML IoT Edge samples' `__REGISTRY_PASSWORD`, `$(…)` variables, a `{{address}}` registry).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { lintSource } from '../../src/lint/lint-source.js';
import { unresolvedPlaceholder } from '../../src/rules/unresolved-placeholder.js';
import { lintWithRule, RULE_FIXTURES, testRule } from './rule-tester.js';

testRule(unresolvedPlaceholder, {
  // ci-tokens.json: pipeline tokens in most images make it a template by content; as a concrete
  // manifest (--flavour manifest) every token is reported.
  valid: [{ file: 'generated.json' }, { file: 'leftovers.template.json' }, { file: 'ci-tokens.json' }],
  invalid: [
    {
      file: 'ci-tokens.json',
      flavour: 'manifest',
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
        { messageId: 'value', line: 50, column: 25, messageIncludes: '${CONTAINER_REGISTRY_SERVER}' },
        // A key inside a module twin breaks IoT Hub's twin key rule too, so validation reports it (no message id).
        { messageId: 'schema', line: 79, column: 9, messageIncludes: 'key `$THRESHOLD_NAME` holds the unresolved placeholder' },
        { messageId: 'value', line: 80, column: 30, messageIncludes: '${API_HOST}' },
      ],
    },
    {
      file: 'release-tokens.json',
      errors: [
        {
          messageId: 'value',
          line: 13,
          column: 30,
          messageIncludes:
            '`username` still holds the placeholder #{ACR_USER}#, which IoT Hub would take literally; fill it in before deploying (`edgewise gen` fills ${VAR} and $VAR). This file was linted as a concrete manifest because it is not named *.template.json and shows no template content; if it is a template, lint it with --flavour template',
        },
        { messageId: 'value', line: 14, column: 30, messageIncludes: '__REGISTRY_PASSWORD' },
        { messageId: 'value', line: 15, column: 29, messageIncludes: '{{address}}' },
        { messageId: 'fillInValue', line: 46, column: 27, messageIncludes: '`IOTHUB_CONNECTION_STRING` still holds <YOUR_IOTHUB_CONNECTION_STRING>, left for someone to fill in' },
        { messageId: 'value', line: 53, column: 25, messageIncludes: '#{ACR_ADDRESS}#' },
        { messageId: 'value', line: 53, column: 48, messageIncludes: '__TAG__' },
        // In Cmd only the Replace Tokens token: $PORT, ${DEVICE_ID} and $(hostname) are the shell's.
        { messageId: 'value', line: 54, column: 129, messageIncludes: '`Cmd` still holds the placeholder #{MODEL_KEY}#' },
        // The LogConfig tag {{.ImageName}}/{{.Name}} is Docker's own Go template.
        { messageId: 'value', line: 54, column: 175, messageIncludes: '`MODEL_URL` still holds the placeholder $(StorageAccount)' },
      ],
    },
    // Templates by content, whatever the name: one `info` says so, at the sign.
    {
      file: 'modules-image.json',
      errors: [{ messageId: 'templateByContent', line: 50, column: 24, severity: 'info', messageIncludes: 'linted as a template because the image of module "filter" is ${MODULES.filter}' }],
    },
    {
      file: 'object-create-options.deployment.json',
      errors: [{ messageId: 'templateByContent', line: 45, column: 32, severity: 'info', messageIncludes: 'the createOptions of module "filter" is an object' }],
    },
    {
      file: 'most-modules.json',
      errors: [{ messageId: 'templateByContent', line: 15, column: 11, severity: 'info', messageIncludes: 'because 3 of its 4 modules hold ${…} placeholders' }],
    },
  ],
});

it('unresolved-placeholder: --flavour manifest overrules the content, and the message says so', async () => {
  const file = join(RULE_FIXTURES, 'unresolved-placeholder', 'modules-image.json');
  const linted = await lintSource({ file, text: readFileSync(file, 'utf8') }, { rules: [unresolvedPlaceholder], config: { rules: {} }, flavour: 'manifest' });
  const own = linted.findings.filter((finding) => finding.ruleId === 'unresolved-placeholder');
  expect(own.map((finding) => `${finding.line}:${finding.column} ${finding.messageId}`)).toEqual(['13:30 value', '14:30 value', '15:29 value', '46:27 value', '50:25 value']);
  expect(own[0]!.message).toContain('linted as a concrete manifest because --flavour manifest was given');
});

it('unresolved-placeholder: --flavour template silences it without a note', async () => {
  const file = join(RULE_FIXTURES, 'unresolved-placeholder', 'release-tokens.json');
  const linted = await lintSource({ file, text: readFileSync(file, 'utf8') }, { rules: [unresolvedPlaceholder], config: { rules: {} }, flavour: 'template' });
  expect(linted.findings.filter((finding) => finding.ruleId === 'unresolved-placeholder')).toEqual([]);
});

it('unresolved-placeholder: placeholders that break the schema are reported once, in the schema\'s words', async () => {
  const file = join(RULE_FIXTURES, 'unresolved-placeholder', 'schema-breaking.json');
  const { own } = await lintWithRule(unresolvedPlaceholder, { file, text: readFileSync(file, 'utf8') });
  expect(own.map((finding) => `${finding.line}:${finding.column} ${finding.messageId}`)).toEqual(['36:23 schema', '39:15 schema']);
});
