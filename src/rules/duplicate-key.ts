// A key given twice in one object: JSON.parse, IoT Hub and the runtime keep the last value
// silently. Reported by the loader; this file holds the metadata.
import type { Rule } from './rule.js';

export const duplicateKey: Rule = {
  meta: {
    id: 'duplicate-key',
    defaultSeverity: 'error',
    description: 'A key appears twice in one object; only the last value counts, silently.',
    fixable: false,
    docs: { sources: ['RFC 8259 section 4: names within an object SHOULD be unique'] },
    messages: {},
  },
  check: () => [], // reported by the loader
};
