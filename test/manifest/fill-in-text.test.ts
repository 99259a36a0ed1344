// Shapes from public deployments: `<Use the key of …>`-style sentences and `{YOUR_…}` fill-ins
// (Azure/iotedge metrics-collector docs), `HostName=xxx.azure-devices.net;…` connection strings
// and `XXXXXXXX-XXXX-…` GUIDs in samples, REPLACE_ME / CHANGEME passwords in quick starts.
import { describe, expect, it } from 'vitest';
import { findFillInText } from '../../src/manifest/fill-in-text.js';

describe('findFillInText', () => {
  it.each([
    ['<Use the key of your Log Analytics workspace>', '<Use the key of your Log Analytics workspace>', 0],
    ['HostName=<your hub name>.azure-devices.net;DeviceId=sensor', '<your hub name>', 9],
    ['TODO', 'TODO', 0],
    ['TBD', 'TBD', 0],
    ['CHANGEME', 'CHANGEME', 0],
    ['change_me', 'change_me', 0],
    ['Replace-Me', 'Replace-Me', 0],
    ['YOUR_IOTHUB_CONNECTION_STRING', 'YOUR_IOTHUB_CONNECTION_STRING', 0],
    ['enter_your_key_here', 'enter_your_key_here', 0],
    ['xxx', 'xxx', 0],
    ['XXXX', 'XXXX', 0],
    ['HostName=xxx.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=abc=', 'xxx', 9],
    ['xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', 'xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx', 0],
    ['Server=db;Database=telemetry;Password=CHANGEME', 'CHANGEME', 38],
  ])('%s holds fill-in text %s', (value, text, offset) => {
    expect(findFillInText(value)).toEqual({ text, offset });
  });

  it.each([
    // Words that only contain a marker.
    'xxx-large',
    'boxxxes',
    'todo',
    'TODOS',
    'mytodo',
    'TODO list for later review',
    'the TBD committee',
    '0xFFF',
    // Conditions, HTML and Go templates.
    'temperature<30 and humidity>50',
    'a < b and c > d',
    '<a href="https://example.com">docs</a>',
    'line one<br />line two',
    '{{.Name}}',
    // Placeholders are unresolved-placeholder's: never reported twice.
    '<YOUR_IOTHUB_CONNECTION_STRING>',
    '{YOUR_LOG_ANALYTICS_WORKSPACE_ID}',
    '<Container_Registry>',
    '__YOUR_KEY__',
    // Real values.
    'HostName=contoso.azure-devices.net;DeviceId=sensor;SharedAccessKey=dGVzdA==',
    'https://contoso.blob.core.windows.net/models',
    'your',
  ])('%s holds no fill-in text', (value) => {
    expect(findFillInText(value)).toBeUndefined();
  });
});
