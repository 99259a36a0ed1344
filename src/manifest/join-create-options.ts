// Joins createOptions chunks the way edgeAgent does and parses the result.
// Facts (iotedge edge-util JsonEx.cs): chunk keys are `createOptions`, `createOptions01` …
// `createOptions99`, matched case-insensitively and sorted ordinally; a gap is refused;
// an empty, whitespace-only or "null" value means no options.
import type { PendingFinding } from '../findings.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject } from './manifest-shape.js';

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
  findings: PendingFinding[];
}

export function joinCreateOptions(settings: Record<string, unknown>, settingsPointer: string): JoinedCreateOptions | undefined {
  const pointer = appendPointer(settingsPointer, 'createOptions');
  if (isPlainObject(settings.createOptions)) {
    // Template flavour: an object that generation will serialise.
    return { settingsPointer, pointer, form: 'object', chunks: [], joined: '', value: settings.createOptions, invalidJson: false, findings: [] };
  }
  const chunks = collectChunks(settings, settingsPointer);
  if (chunks.length === 0) return undefined;
  const result: JoinedCreateOptions = { settingsPointer, pointer, form: 'string', chunks, joined: '', value: undefined, invalidJson: false, findings: [] };
  if (chunks.some((chunk) => typeof settings[chunk.key] !== 'string')) return result; // the schema reports the type
  const gap = findGap(chunks);
  if (gap) {
    result.findings.push(gap);
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

function findGap(chunks: CreateOptionsChunk[]): PendingFinding | undefined {
  for (let expected = 0; expected < chunks.length; expected++) {
    const chunk = chunks[expected]!;
    if (chunk.index !== expected) {
      const missing = chunkName(expected);
      return {
        ruleId: 'create-options-chunks',
        severity: 'error',
        message: `\`${chunk.key}\` comes without \`${missing}\`; edgeAgent refuses createOptions chunks with a gap. Number the chunks contiguously from createOptions, createOptions01…`,
        pointer: chunk.pointer,
        anchor: 'key',
      };
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
    result.findings.push({
      ruleId: 'create-options-json',
      severity: 'error',
      message: `createOptions must be a JSON object such as {"HostConfig":{…}} (got ${got})`,
      pointer: result.chunks[0]!.pointer,
      stringOffset: 0,
    });
    return;
  }
  result.value = parsed;
}

/** Adds the finding for joined text that is not JSON, placed at the offending character. */
export async function explainInvalidJson(result: JoinedCreateOptions): Promise<void> {
  if (!result.invalidJson) return;
  const { explainJsonError } = await import('./json-source.js');
  const failure = explainJsonError(result.joined);
  const place = locateInChunks(result, failure.offset);
  result.findings.push({
    ruleId: 'create-options-json',
    severity: 'error',
    message: `createOptions is not valid JSON: ${failure.message}. It must be a JSON object serialised into a string`,
    pointer: place.pointer,
    stringOffset: place.stringOffset,
  });
}

/** Maps an offset in the joined text to the chunk holding it. */
export function locateInChunks(options: JoinedCreateOptions, joinedOffset: number): { pointer: string; stringOffset: number } {
  let holder = options.chunks[0]!;
  for (const chunk of options.chunks) if (chunk.start <= joinedOffset) holder = chunk;
  return { pointer: holder.pointer, stringOffset: Math.min(joinedOffset - holder.start, holder.text.length) };
}
