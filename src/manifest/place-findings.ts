// Gives each pending finding its file line and column. Positions are computed only here, and
// only for files that have findings to show, so clean files never build a position tree. Each
// finding costs about the depth of its pointer (lookups go through indexes, never scans of a
// list or a string), so placing stays linear in the number of findings.
import type { Finding, PendingFinding } from '../findings.js';
import { createOptionsAround } from './docker/create-options-index.js';
import { locateInChunks, type JoinedCreateOptions } from './docker/join-create-options.js';
import { checkParsedJson } from './json-fast.js';
import { JsonLocator } from './json-locator.js';
import { LineIndex } from './line-index.js';
import type { ParsedSource } from './parse-source.js';
import type { SourceTree } from './source-tree.js';

/** Where a finding inside a createOptions string sits in the file: a chunk and an offset in its decoded text; null when the options' text has no positions. */
type ChunkPlace = { pointer: string; stringOffset: number } | null;

export async function placeFindings(
  file: string,
  text: string,
  pending: readonly PendingFinding[],
  source?: ParsedSource,
  createOptions: readonly JoinedCreateOptions[] = [],
): Promise<Finding[]> {
  if (pending.length === 0) return [];
  // A finding inside createOptions text is placed in the joined options first, which tells the
  // one chunk that holds it: only the pointers findings need, and those chunks, are looked up
  // in the file, never every chunk of every module.
  const pointers: string[] = [];
  const inside = new Map<JoinedCreateOptions, PendingFinding[]>();
  for (const finding of pending) {
    if (finding.offset !== undefined) continue;
    pointers.push(finding.pointer);
    const options = source ? stringOptionsAround(createOptions, finding.pointer) : undefined;
    if (!options) continue;
    const group = inside.get(options);
    if (group) group.push(finding);
    else inside.set(options, [finding]);
  }
  const chunkPlaces = new Map<PendingFinding, ChunkPlace>();
  for (const [options, findings] of inside) {
    for (const [finding, place] of await placeInChunks(options, findings)) {
      chunkPlaces.set(finding, place);
      if (place) pointers.push(place.pointer);
    }
  }
  const tree = source ? await source.locator(pointers) : undefined;
  const lines = new LineIndex(text);

  const offsetOf = (finding: PendingFinding): number => {
    if (finding.offset !== undefined) return finding.offset;
    if (!tree) return 0;
    const place = chunkPlaces.get(finding);
    if (place !== undefined) {
      // Below a createOptions string nothing exists in the file itself: its nearest ancestor does.
      const location = tree.locate(finding.pointer);
      return place ? (tree.offsetInString(place.pointer, place.stringOffset) ?? location.valueOffset) : (location.keyOffset ?? location.valueOffset);
    }
    if (finding.stringOffset !== undefined) {
      const direct = tree.offsetInString(finding.pointer, finding.stringOffset);
      if (direct !== undefined) return direct;
    }
    const location = tree.locate(finding.pointer);
    if (location.exact) return finding.anchor === 'key' ? (location.keyOffset ?? location.valueOffset) : location.valueOffset;
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

/** The joined createOptions text that `pointer` lies inside (strictly below the options' own pointer), if any. */
function stringOptionsAround(createOptions: readonly JoinedCreateOptions[], pointer: string): JoinedCreateOptions | undefined {
  const around = createOptionsAround(createOptions, pointer);
  return around && around.form === 'string' && around.joined !== '' ? around : undefined;
}

/** Each finding's chunk and offset in it, found by placing it in the joined options text. */
async function placeInChunks(options: JoinedCreateOptions, findings: readonly PendingFinding[]): Promise<Map<PendingFinding, ChunkPlace>> {
  const innerPointer = (finding: PendingFinding): string => finding.pointer.slice(options.pointer.length);
  const inner = await joinedTree(options, findings.map(innerPointer));
  const places = new Map<PendingFinding, ChunkPlace>();
  for (const finding of findings) {
    if (!inner) {
      places.set(finding, null);
      continue;
    }
    const pointer = innerPointer(finding);
    const location = inner.locate(pointer);
    const inString = finding.stringOffset !== undefined ? inner.offsetInString(pointer, finding.stringOffset) : undefined;
    const joinedOffset = inString ?? (finding.anchor === 'key' ? (location.keyOffset ?? location.valueOffset) : location.valueOffset);
    places.set(finding, locateInChunks(options, joinedOffset));
  }
  return places;
}

/**
 * Positions in the joined options text. Text that JSON.parse read into an object without
 * duplicate keys (nearly all) gets the one-pass locator, which sees only the pointers asked
 * for; anything else the full position parser, which also says when the text has no positions.
 */
async function joinedTree(options: JoinedCreateOptions, pointers: readonly string[]): Promise<SourceTree | null> {
  if (options.value !== undefined && !options.readLeniently && !options.invalidJson && checkParsedJson(options.joined, options.value) === 'clean') {
    return new JsonLocator(options.joined, pointers);
  }
  const parsed = (await import('./json-source.js')).parseJsonTree(options.joined);
  return parsed.ok ? parsed.tree : null;
}
