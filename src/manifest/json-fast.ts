// The hot path: JSON.parse plus a cheap duplicate-key check, so that thousands of clean
// files never pay for position tracking. Positions are built only for files with findings.
import { MAX_NESTING_DEPTH } from './nesting-depth.js';

/**
 * Counts object keys in valid JSON text: a string literal followed by a colon is a key.
 * Jumps from quote to quote with indexOf, which is several times faster than a regex here.
 */
export function countKeyTokens(text: string): number {
  let count = 0;
  let open = text.indexOf('"');
  while (open !== -1) {
    let close = text.indexOf('"', open + 1);
    while (close !== -1 && isEscaped(text, close)) close = text.indexOf('"', close + 1);
    if (close === -1) break;
    let next = close + 1;
    let code = text.charCodeAt(next);
    while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++next);
    if (code === 58 /* : */) count++;
    open = text.indexOf('"', next);
  }
  return count;
}

/** A quote preceded by an odd number of backslashes is inside the string. */
function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  while (text.charCodeAt(quote - 1 - backslashes) === 92) backslashes++;
  return (backslashes & 1) === 1;
}

/** What countParsedKeys returns for a value nested past MAX_NESTING_DEPTH. */
export const NESTS_TOO_DEEP = -1;

/**
 * Counts the keys of a JSON.parse result (own keys only, which is all JSON.parse makes). It also
 * measures depth, since it walks every JSON file anyway: past MAX_NESTING_DEPTH it stops and
 * returns NESTS_TOO_DEEP, so neither it nor any later recursive walk can overflow the stack
 * (JSON.parse itself does not recurse). Object.values, not for…in: a third less time here,
 * where every file of a run passes.
 */
export function countParsedKeys(value: unknown, depth = 1): number {
  if (depth > MAX_NESTING_DEPTH) return NESTS_TOO_DEEP;
  const isArray = Array.isArray(value);
  const items: readonly unknown[] = isArray ? value : Object.values(value as Record<string, unknown>);
  let count = isArray ? 0 : items.length;
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (item === null || typeof item !== 'object') continue;
    const inner = countParsedKeys(item, depth + 1);
    if (inner === NESTS_TOO_DEEP) return NESTS_TOO_DEEP;
    count += inner;
  }
  return count;
}

export type ParsedJsonCheck = 'clean' | 'may-have-duplicate-keys' | 'nests-too-deep';

/**
 * One walk of a JSON.parse result: too deep to follow, or possibly holding a duplicate key
 * (JSON.parse keeps the last of two equal keys, so fewer parsed keys than key tokens means one).
 */
export function checkParsedJson(text: string, value: unknown): ParsedJsonCheck {
  if (value === null || typeof value !== 'object') return 'clean';
  const parsedKeys = countParsedKeys(value);
  if (parsedKeys === NESTS_TOO_DEEP) return 'nests-too-deep';
  return countKeyTokens(text) !== parsedKeys ? 'may-have-duplicate-keys' : 'clean';
}

export function mayHaveDuplicateKeys(text: string, value: unknown): boolean {
  return checkParsedJson(text, value) === 'may-have-duplicate-keys';
}
