// A key given twice in one object: JSON.parse, IoT Hub and the runtime keep the last value
// silently. The parser finds them (parse-source.ts) and the loader hands them over as data;
// this rule reports them, and gives the words to the commands that refuse to edit such text.
import { appendPointer } from '../manifest/json-pointer.js';
import type { DuplicateKey } from '../manifest/source-tree.js';
import { formatMessage, loadedReports, type LoadProblem, type Rule } from './rule.js';

export const duplicateKey: Rule = {
  meta: {
    id: 'duplicate-key',
    defaultSeverity: 'error',
    description: 'A key appears twice in one object; only the last value counts, silently.',
    fixable: false,
    docs: { sources: ['RFC 8259 section 4: names within an object SHOULD be unique'] },
    messages: {
      duplicate: 'key "{{key}}" appears twice in the same object; the first value is silently discarded. Keep one of them',
      firstOccurrence: 'first occurrence',
    },
  },
  check: (_manifest, loaded) => loadedReports(loaded, 'duplicate-key'),
};

/** A key the parser found twice, as the problem this rule reports: at the second, naming the first. */
export function duplicateKeyProblem(duplicate: DuplicateKey): LoadProblem {
  return {
    ruleId: 'duplicate-key',
    messageId: 'duplicate',
    data: { key: duplicate.key },
    severity: 'error',
    pointer: appendPointer(duplicate.objectPointer, duplicate.key),
    offset: duplicate.secondOffset,
    related: [{ offset: duplicate.firstOffset, messageId: 'firstOccurrence' }],
  };
}

/** The message, for commands that stop at a duplicate key rather than report it (convert, offline enable, gen). */
export function describeDuplicateKey(duplicate: DuplicateKey): string {
  return formatMessage(duplicateKey.meta.messages.duplicate!, { key: duplicate.key });
}
