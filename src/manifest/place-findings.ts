// Gives each pending finding its file line and column. Positions are computed only here, and
// only for files that have findings, so clean files never build a position tree. Each finding
// costs about the depth of its pointer (lookups go through indexes, never scans of a list or a
// string), so placing stays linear in the number of findings.
import type { Finding, PendingFinding } from '../findings.js';
import { createOptionsAround } from './docker/create-options-index.js';
import { locateInChunks, type JoinedCreateOptions } from './docker/join-create-options.js';
import { LineIndex } from './line-index.js';
import type { ParsedSource } from './parse-source.js';
import type { SourceTree } from './source-tree.js';

export async function placeFindings(
  file: string,
  text: string,
  pending: readonly PendingFinding[],
  source?: ParsedSource,
  createOptions: readonly JoinedCreateOptions[] = [],
): Promise<Finding[]> {
  if (pending.length === 0) return [];
  // Only the pointers findings need, and the chunks of the createOptions they point into (to map
  // offsets in the options to the file): not every module's chunks, or the locator would visit
  // every module of a file with 60,000 of them to place one finding.
  const pointers: string[] = [];
  const inside = new Set<JoinedCreateOptions>();
  for (const finding of pending) {
    pointers.push(finding.pointer);
    const options = createOptionsAround(createOptions, finding.pointer);
    if (options) inside.add(options);
  }
  for (const options of inside) for (const chunk of options.chunks) pointers.push(chunk.pointer);
  const tree = source ? await source.locator(pointers) : undefined;
  const { parseJsonTree } = await import('./json-source.js');
  const lines = new LineIndex(text);
  const embedded = new Map<JoinedCreateOptions, SourceTree | null>();
  const embeddedTree = (options: JoinedCreateOptions): SourceTree | null => {
    if (!embedded.has(options)) {
      const parsed = parseJsonTree(options.joined);
      embedded.set(options, parsed.ok ? parsed.tree : null);
    }
    return embedded.get(options)!;
  };

  const offsetOf = (finding: PendingFinding): number => {
    if (finding.offset !== undefined) return finding.offset;
    if (!tree) return 0;
    if (finding.stringOffset !== undefined) {
      const direct = tree.offsetInString(finding.pointer, finding.stringOffset);
      if (direct !== undefined) return direct; // otherwise the string may sit inside createOptions text
    }
    const location = tree.locate(finding.pointer);
    if (location.exact) return finding.anchor === 'key' ? (location.keyOffset ?? location.valueOffset) : location.valueOffset;
    const around = createOptionsAround(createOptions, finding.pointer);
    const options = around && around.form === 'string' && around.joined !== '' ? around : undefined;
    const inner = options ? embeddedTree(options) : null;
    if (options && inner) {
      const innerPointer = finding.pointer.slice(options.pointer.length);
      const innerLocation = inner.locate(innerPointer);
      const inString = finding.stringOffset !== undefined ? inner.offsetInString(innerPointer, finding.stringOffset) : undefined;
      const joinedOffset = inString ?? (finding.anchor === 'key' ? (innerLocation.keyOffset ?? innerLocation.valueOffset) : innerLocation.valueOffset);
      const place = locateInChunks(options, joinedOffset);
      return tree.offsetInString(place.pointer, place.stringOffset) ?? location.valueOffset;
    }
    return location.keyOffset ?? location.valueOffset;
  };

  return pending.map((finding) => {
    const { line, column } = lines.locate(offsetOf(finding));
    let message = finding.message;
    for (const related of finding.related ?? []) {
      const at = lines.locate(related.offset);
      message += ` (${related.message} at line ${at.line}, column ${at.column})`;
    }
    return { file, ruleId: finding.ruleId, severity: finding.severity, message, pointer: finding.pointer, line, column };
  });
}
