// An unparsable or refused file. Reported by the loader; this file holds the metadata.
import type { Rule } from './rule.js';

export const parse: Rule = {
  meta: {
    id: 'parse',
    defaultSeverity: 'error',
    description: 'The file is not valid JSON or YAML, or is refused (over 8 MiB, also on stdin; nesting deeper than 100 levels; YAML alias bombs or an alias inside the node it names; custom YAML tags; several YAML documents; an empty document; a path that is not a regular file, such as a FIFO or a device). A text template that fails to parse only at an unquoted placeholder (`${TTL}`, `__ENV__`, `<create option>`) is an info: it is not JSON until its pipeline substitutes it.',
    fixable: false,
    docs: { sources: ['RFC 8259 (JSON)', 'YAML 1.2'] },
    messages: {},
  },
  check: () => [], // reported by the loader
};
