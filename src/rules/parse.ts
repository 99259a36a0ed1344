// An unparsable or refused file. The parser describes why the text does not parse (its
// message names the reason and the place, as the JSON and YAML parsers give them) and the
// loader hands that over as data; this rule reports it, and owns the words for a text template
// that stops being JSON only at a placeholder (validate/placeholder-parse-failure.ts decides).
import { loadedReports, type Rule } from './rule.js';

export const parse: Rule = {
  meta: {
    id: 'parse',
    defaultSeverity: 'error',
    description: 'The file is not valid JSON or YAML, or is refused (over 8 MiB, also on stdin; nesting deeper than 100 levels; YAML alias bombs or an alias inside the node it names; custom YAML tags; several YAML documents; an empty document; a path that is not a regular file, such as a FIFO or a device). A text template that fails to parse only at an unquoted placeholder (`${TTL}`, `__ENV__`, `<create option>`) is an info: it is not JSON until its pipeline substitutes it.',
    fixable: false,
    docs: { sources: ['RFC 8259 (JSON)', 'YAML 1.2'] },
    messages: {
      unparsable: '{{reason}}',
      placeholder: 'not JSON until its placeholders are substituted (`{{placeholder}}` at {{line}}:{{column}}); the other checks were skipped: lint the generated file',
    },
  },
  check: (_manifest, loaded) => loadedReports(loaded, 'parse'),
};
