// JSON Schema violations, and documents that are no manifest. The schemas are checked while
// loading (src/schema/; describe-schema-error.ts writes each violation as a sentence) and the
// loader hands the results over as data; this rule reports them, so they can be configured,
// suppressed, documented and listed like any other rule's findings.
import { loadedReports, type Rule } from './rule.js';

export const schema: Rule = {
  meta: {
    id: 'schema',
    defaultSeverity: 'error',
    description: 'The manifest breaks the edgewise JSON Schemas, which model what IoT Hub and the IoT Edge runtime accept (unknown keys are warnings).',
    fixable: false,
    docs: { sources: ['schemas/*.schema.json', 'iotedge edge-agent EdgeAgentConnection.cs, edge-hub EdgeHubConfigParser.cs'] },
    messages: {
      schema: '{{description}}',
      notAManifest: 'this is not a deployment manifest: expected an object with `modulesContent` (or `content.modulesContent`) holding `$edgeAgent` and `$edgeHub`',
      deprecatedModuleContent: '`moduleContent` is the deprecated name of `modulesContent`; IoT Hub still accepts it, but rename it to `modulesContent`',
    },
  },
  check: (_manifest, loaded) => loadedReports(loaded, 'schema'),
};
