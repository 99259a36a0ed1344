// A schemaVersion the runtime refuses, or a feature its schemaVersion lacks. The schemas gate
// startupOrder, object routes, mqttBroker and integrity by version; they are checked while
// loading and the loader hands the violations this rule owns over as data, for it to report.
import { loadedReports, type Rule } from './rule.js';

export const schemaVersion: Rule = {
  meta: {
    id: 'schema-version',
    defaultSeverity: 'error',
    description: 'A schemaVersion the runtime refuses, or a feature used under a schemaVersion that lacks it (startupOrder needs $edgeAgent 1.1; object routes, priority and route TTL need $edgeHub 1.1; mqttBroker 1.2; integrity 1.3).',
    fixable: false,
    docs: {
      sources: [
        'iotedge edge-agent EdgeAgentConnection.cs: versions with major 1 up to 1.1.0 are accepted ("not compatible with the expected version 1.1.0")',
        'iotedge edge-hub EdgeHubConfigParser.cs: schema 1.0 to 1.3 (LatestSchemaVersion 1.3)',
      ],
    },
    messages: {
      schema: '{{description}}',
    },
  },
  check: (_manifest, loaded) => loadedReports(loaded, 'schema-version'),
};
