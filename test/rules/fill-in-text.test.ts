// Fixtures derive from templates/minimal.json (see the folder's make-fixtures.mjs). The values
// follow public sample deployments: the metrics collector's Log Analytics settings left as a
// sentence or an x'd-out GUID, an IoT Hub connection string with `xxx` for the hub and key, SQL
// Edge's SA password left as CHANGEME. layer.json follows azure-iot-cli-extension's
// test_edge_deployment_layered.json.
import { fillInText } from '../../src/rules/fill-in-text.js';
import { testRule } from './rule-tester.js';

testRule(fillInText, {
  valid: [
    // xxx-large, a condition with < and >, a Docker Go template, HTML, a "todo" enum, and
    // placeholders (<YOUR_API_KEY>, {YOUR_…}), which unresolved-placeholder reports.
    { file: 'real-values.json' },
    // Templates are filled in later.
    { file: 'sample-values.template.json' },
  ],
  invalid: [
    {
      file: 'sample-values.json',
      errors: [
        { messageId: 'env', line: 46, column: 27, severity: 'error', messageIncludes: 'collector sets the env var LogAnalyticsWorkspaceId to fill-in text "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"' },
        // A secret-named variable: the fill-in is quoted all the same (it is not a secret to mask).
        { messageId: 'env', line: 49, column: 27, severity: 'error', messageIncludes: 'to fill-in text "<Use the primary key of your Log Analytics workspace>", which the module receives as it is; put the real value in before deploying' },
        { messageId: 'env', line: 64, column: 36, severity: 'error', messageIncludes: 'IoTHubConnectionString to fill-in text "xxx"' },
        { messageId: 'createOptionsEnv', line: 79, column: 81, severity: 'error', messageIncludes: 'sqledge sets MSSQL_SA_PASSWORD in createOptions Env to fill-in text "CHANGEME"' },
        { messageId: 'twin', line: 102, column: 30, severity: 'error', messageIncludes: '`endpoint` in the desired properties of forwarder holds fill-in text "<your function app>"' },
        // "TODO list: tune after the pilot" is a note, not a marker.
        { messageId: 'twin', line: 103, column: 19, severity: 'error', messageIncludes: '`owner`' },
        // A whole value of x's may be a dummy the module ignores: a warning, not an error.
        { messageId: 'twin', line: 108, column: 23, severity: 'warning', messageIncludes: '`skillType`' },
      ],
    },
    {
      file: 'layer.json',
      errors: [
        { messageId: 'env', line: 16, column: 33, messageIncludes: 'mymodule0 sets the env var API_URL' },
        { messageId: 'twin', line: 27, column: 22, messageIncludes: '`apiKey` in the desired properties of mymodule0' },
      ],
    },
  ],
});
