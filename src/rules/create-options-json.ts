// Joined createOptions that is not JSON, or not a JSON object. Found while normalizing (the
// joined text is parsed once for every stage); this file holds the rule's metadata.
import type { Rule } from './rule.js';

export const createOptionsJson: Rule = {
  meta: {
    id: 'create-options-json',
    defaultSeverity: 'error',
    description: 'The joined createOptions text is not valid JSON, or not a JSON object; edgeAgent cannot create the container.',
    fixable: false,
    docs: { sources: ['iotedge edge-util JsonEx.cs (chunks joined, then parsed)', 'Docker Engine API: ContainerCreate takes a JSON object'] },
    messages: {},
  },
  check: () => [], // reported by normalization
};
