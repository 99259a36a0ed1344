// JSON Schema violations. The check runs in validation (src/schema/); this file holds the
// rule's metadata so it can be configured, documented and listed like any other.
import type { Rule } from './rule.js';

export const schema: Rule = {
  meta: {
    id: 'schema',
    defaultSeverity: 'error',
    description: 'The manifest breaks the edgewise JSON Schemas, which model what IoT Hub and the IoT Edge runtime accept (unknown keys are warnings).',
    fixable: false,
    docs: { sources: ['schemas/*.schema.json', 'iotedge edge-agent EdgeAgentConnection.cs, edge-hub EdgeHubConfigParser.cs'] },
    messages: {},
  },
  check: () => [], // reported by validation
};
