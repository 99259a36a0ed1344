// The pieces of secrets that createOptions chunks hold. A secret may run across two chunks, and
// a message or diff that quotes one chunk (a changed chunk, a chunk edgeAgent would not join
// because one is missing or it comes after createOptions99) shows only its piece, which masking
// a whole value never finds. So each piece is a secret of its own:
// - `NAME=value` secrets of the chunks read in number order, gaps closed, cut where the chunks are;
// - any known secret (a copy of an env value in the options' JSON, say): the piece each chunk
//   holds at its start, at its end, or the whole chunk, even where a gap took the rest.
import { isWorthMasking } from './mask-secrets.js';
import { assignedSecrets } from './secret-names.js';

/** createOptions, createOptions01 … and the keys past createOptions99 that the create-options-chunks rule reports. */
const CHUNK_SHAPED = /^createoptions\d*$/i;
const CHUNK_PREFIX_LENGTH = 'createOptions'.length;
const chunkNumber = (key: string): number => Number(key.slice(CHUNK_PREFIX_LENGTH) || 0);

/**
 * Characters the search for pieces of known secrets may compare in one document (the secrets'
 * length times the chunks): far above any real manifest's, and a bound on a crafted one with
 * megabytes of secrets, which keeps the pieces of its `NAME=value` secrets only.
 */
const PIECE_BUDGET = 20_000_000;

/** Adds to `found` the pieces of secrets that every chunked createOptions in a document holds. One walk, each node once. */
export function addChunkPieces(root: unknown, found: Set<string>): void {
  const search = { known: undefined as string[] | undefined, budget: PIECE_BUDGET };
  const stack: unknown[] = [root];
  const seen = new Set<object>();
  while (stack.length > 0) {
    const node = stack.pop();
    if (node === null || typeof node !== 'object' || seen.has(node)) continue;
    seen.add(node);
    if (Array.isArray(node)) {
      // An index is never a chunk key.
      for (const entry of node) if (entry !== null && typeof entry === 'object') stack.push(entry);
      continue;
    }
    const record = node as Record<string, unknown>;
    let chunks: [key: string, text: string][] | undefined;
    for (const key of Object.keys(record)) {
      const entry = record[key];
      if (typeof entry === 'string') {
        if (isChunkShaped(key)) (chunks ??= []).push([key, entry]);
      } else if (entry !== null && typeof entry === 'object') stack.push(entry);
    }
    if (chunks && chunks.length > 1) addPieces(chunks.sort(([a], [b]) => chunkNumber(a) - chunkNumber(b)).map(([, text]) => text), found, search);
  }
}

/** Most keys are ruled out by their length and first letter before the pattern runs. */
function isChunkShaped(key: string): boolean {
  return key.length >= CHUNK_PREFIX_LENGTH && (key.charCodeAt(0) | 0x20) === 0x63 /* c */ && CHUNK_SHAPED.test(key);
}

function addPieces(texts: readonly string[], found: Set<string>, search: { known: string[] | undefined; budget: number }): void {
  const joined = texts.join('');
  const cuts: number[] = [];
  let end = 0;
  for (const text of texts.slice(0, -1)) cuts.push((end += text.length));
  for (const { offset, value } of assignedSecrets(joined)) {
    found.add(value);
    if (isWorthMasking(value)) cutAtChunks(joined, cuts, offset, value, found);
  }
  search.known ??= [...found].filter(isWorthMasking);
  search.budget -= search.known.reduce((sum, secret) => sum + secret.length, 0) * texts.length;
  if (search.budget < 0) return;
  for (const secret of search.known) for (const text of texts) piecesIn(text, secret, found);
}

/** The pieces of the secret at `at` in the joined text, one per chunk it runs through. */
function cutAtChunks(joined: string, cuts: readonly number[], at: number, secret: string, found: Set<string>): void {
  let start = at;
  for (let index = firstCutAfter(cuts, at); index < cuts.length && cuts[index]! < at + secret.length; index++) {
    found.add(joined.slice(start, cuts[index]));
    start = cuts[index]!;
  }
  if (start !== at) found.add(joined.slice(start, at + secret.length));
}

/** The index of the first cut after `at` (cuts ascend). */
function firstCutAfter(cuts: readonly number[], at: number): number {
  let low = 0;
  let high = cuts.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (cuts[middle]! <= at) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Pieces of a secret one chunk holds: the whole chunk, a start of the secret ending the chunk, an end of it starting the chunk. */
function piecesIn(text: string, secret: string, found: Set<string>): void {
  if (text.length < secret.length && secret.includes(text)) found.add(text);
  const reach = Math.min(text.length, secret.length - 1);
  for (let at = text.length - reach; at < text.length; at++) {
    if (text.charCodeAt(at) === secret.charCodeAt(0) && secret.startsWith(text.slice(at))) {
      found.add(text.slice(at));
      break;
    }
  }
  for (let length = reach; length > 0; length--) {
    if (text.charCodeAt(length - 1) === secret.charCodeAt(secret.length - 1) && secret.endsWith(text.slice(0, length))) {
      found.add(text.slice(0, length));
      break;
    }
  }
}
