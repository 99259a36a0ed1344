// Joins createOptions chunks the way edgeAgent does and parses the result.
// Facts (iotedge edge-util JsonEx.cs): chunk keys are `createOptions`, `createOptions01` …
// `createOptions99`, matched case-insensitively and sorted ordinally; a gap is refused;
// an empty, whitespace-only or "null" value means no options. edgeAgent then reads the text
// with Newtonsoft.Json (DockerConfig.GetCreateOptions), which also takes some text that is not
// JSON (unquoted keys, single quotes, comments): that text is read too, and reported as not
// portable rather than as options edgeAgent cannot use.
import type { LoadProblem } from '../../findings.js';
import { appendPointer } from '../json-pointer.js';
import { isPlainObject } from '../manifest-shape.js';
import type { Leniency } from '../newtonsoft-json.js';
import { excessDepthOffset, MAX_NESTING_DEPTH, valueNestsTooDeep } from '../nesting-depth.js';

const CHUNK_KEY = /^createoptions(\d\d)?$/i;

export interface CreateOptionsChunk {
  key: string;
  /** Chunk number: 0 for `createOptions`, 1 for `createOptions01`… */
  index: number;
  pointer: string;
  text: string;
  /** Offset of this chunk's first character in the joined text. */
  start: number;
}

export interface JoinedCreateOptions {
  settingsPointer: string;
  /** Where the parsed options live in the normalized manifest. */
  pointer: string;
  form: 'string' | 'object';
  chunks: CreateOptionsChunk[];
  joined: string;
  /** The parsed options; undefined when absent, empty, or invalid. */
  value: Record<string, unknown> | undefined;
  /** True when the joined text is not JSON; explainInvalidJson() then says where and why. */
  invalidJson: boolean;
  /**
   * True when the text is not JSON but edgeAgent's Newtonsoft.Json reads it: `value` then holds
   * what it reads, so the checks still run, but the options must not be rewritten as they are.
   */
  readLeniently?: boolean;
  /** Why the options could not be joined or read as JSON, for create-options-chunks and create-options-json to report. */
  problems: LoadProblem[];
}

export function joinCreateOptions(settings: Record<string, unknown>, settingsPointer: string): JoinedCreateOptions | undefined {
  const pointer = appendPointer(settingsPointer, 'createOptions');
  if (isPlainObject(settings.createOptions)) {
    // Template flavour: an object that generation will serialise.
    return { settingsPointer, pointer, form: 'object', chunks: [], joined: '', value: settings.createOptions, invalidJson: false, problems: [] };
  }
  const chunks = collectChunks(settings, settingsPointer);
  if (chunks.length === 0) return undefined;
  const result: JoinedCreateOptions = { settingsPointer, pointer, form: 'string', chunks, joined: '', value: undefined, invalidJson: false, problems: [] };
  if (chunks.some((chunk) => typeof settings[chunk.key] !== 'string')) return result; // the schema reports the type
  const gap = findGap(chunks);
  if (gap) {
    result.problems.push(gap);
    return result;
  }
  let joined = '';
  for (const chunk of chunks) {
    chunk.start = joined.length;
    joined += chunk.text;
  }
  result.joined = joined;
  if (joined.trim() === '' || joined.trim() === 'null') return result;
  parseJoined(result);
  return result;
}

function collectChunks(settings: Record<string, unknown>, settingsPointer: string): CreateOptionsChunk[] {
  const chunks: CreateOptionsChunk[] = [];
  for (const key of Object.keys(settings)) {
    const match = CHUNK_KEY.exec(key);
    if (!match) continue;
    const value = settings[key];
    chunks.push({
      key,
      index: match[1] === undefined ? 0 : Number(match[1]),
      pointer: appendPointer(settingsPointer, key),
      text: typeof value === 'string' ? value : '',
      start: 0,
    });
  }
  return chunks.sort((a, b) => a.index - b.index);
}

function chunkName(index: number): string {
  return index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
}

function findGap(chunks: CreateOptionsChunk[]): LoadProblem | undefined {
  for (let expected = 0; expected < chunks.length; expected++) {
    const chunk = chunks[expected]!;
    if (chunk.index !== expected) {
      return { ruleId: 'create-options-chunks', messageId: 'gap', data: { key: chunk.key, missing: chunkName(expected) }, severity: 'error', pointer: chunk.pointer, anchor: 'key' };
    }
  }
  return undefined;
}

function parseJoined(result: JoinedCreateOptions): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.joined);
  } catch {
    result.invalidJson = true; // explained by explainInvalidJson(), which loads the position parser
    return;
  }
  if (!isPlainObject(parsed)) {
    const got = Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : `a ${typeof parsed}`;
    result.problems.push({ ruleId: 'create-options-json', messageId: 'notAnObject', data: { got }, severity: 'error', pointer: result.chunks[0]!.pointer, stringOffset: 0 });
    return;
  }
  // The loader's depth limit never sees inside this string; every later walk (rules, diff) recurses.
  // Each level takes at least two characters, so short options (nearly all) cannot be too deep.
  if (result.joined.length > 2 * MAX_NESTING_DEPTH && valueNestsTooDeep(parsed)) {
    result.problems.push({ ruleId: 'create-options-json', messageId: 'tooDeep', data: { limit: MAX_NESTING_DEPTH }, severity: 'error', pointer: result.chunks[0]!.pointer, stringOffset: 0 });
    return;
  }
  result.value = parsed;
}

/** What each departure from JSON is called in create-options-json's notPortable message, and how to write it as JSON. */
const DEPARTURES: Record<Leniency, { what: (text: string) => string; fix: string }> = {
  unquotedName: { what: (text) => `the key \`${text}\` is not in double quotes`, fix: 'put every key in double quotes' },
  singleQuotes: { what: () => 'a string is in single quotes', fix: 'use double quotes' },
  comment: { what: () => 'it holds a comment', fix: 'remove the comments' },
  trailingComma: { what: () => 'a comma comes before a closing } or ]', fix: 'remove the trailing commas' },
  controlCharacter: { what: (text) => `a string holds an unescaped control character (U+${text.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`, fix: 'escape it, e.g. \\n for a line break' },
  escapedApostrophe: { what: () => "a string holds the escape \\', which JSON does not have", fix: "write ' without the backslash" },
  unusualWhitespace: { what: (text) => `it holds the whitespace character U+${text.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}, which JSON does not allow between tokens`, fix: 'replace it with a space' },
};

/** Adds the finding for joined text that is not JSON, placed at the offending character. */
export async function explainInvalidJson(result: JoinedCreateOptions): Promise<void> {
  if (!result.invalidJson) return;
  const { readLikeNewtonsoft } = await import('../newtonsoft-json.js');
  const lenient = readLikeNewtonsoft(result.joined);
  if (lenient && isPlainObject(lenient.value) && lenient.departures.length > 0) {
    result.value = lenient.value;
    result.readLeniently = true;
    const first = lenient.departures[0]!;
    const departure = DEPARTURES[first.leniency];
    const others = lenient.departures.length - 1;
    const oneKind = lenient.departures.every((entry) => entry.leniency === first.leniency);
    const place = locateInChunks(result, first.offset);
    const departures = `${departure.what(first.text)}${others > 0 ? ` (and ${others} more place${others > 1 ? 's' : ''} where it is not JSON)` : ''}`;
    const fix = oneKind ? departure.fix : `${departure.fix}, and write the rest as JSON too`;
    result.problems.push({ ruleId: 'create-options-json', messageId: 'notPortable', data: { departures, fix }, severity: 'warning', pointer: place.pointer, stringOffset: place.stringOffset });
    return;
  }
  // The explainer's parser recurses once per level: text nested past the limit is refused as too deep, never walked.
  const tooDeepAt = excessDepthOffset(result.joined);
  if (tooDeepAt !== undefined) {
    const place = locateInChunks(result, tooDeepAt);
    result.problems.push({ ruleId: 'create-options-json', messageId: 'tooDeep', data: { limit: MAX_NESTING_DEPTH }, severity: 'error', pointer: place.pointer, stringOffset: place.stringOffset });
    return;
  }
  const { explainJsonError } = await import('../json-source.js');
  const failure = explainJsonError(result.joined);
  const place = locateInChunks(result, failure.offset);
  result.problems.push({ ruleId: 'create-options-json', messageId: 'invalid', data: { reason: failure.message }, severity: 'error', pointer: place.pointer, stringOffset: place.stringOffset });
}

/** Maps an offset in the joined text to the chunk holding it. */
export function locateInChunks(options: JoinedCreateOptions, joinedOffset: number): { pointer: string; stringOffset: number } {
  let holder = options.chunks[0]!;
  for (const chunk of options.chunks) if (chunk.start <= joinedOffset) holder = chunk;
  return { pointer: holder.pointer, stringOffset: Math.min(joinedOffset - holder.start, holder.text.length) };
}
