// Finds where given JSON Pointers sit in JSON text, in one pass that descends only into the
// objects and arrays on the way to them and skips everything else. Placing a handful of
// findings this way is several times cheaper than building a full position tree, which
// matters when thousands of files each have a few findings. Needs valid JSON (JSON.parse
// accepted it); duplicate keys resolve to the last one, as in JSON.parse.
import { escapePointerSegment } from './json-pointer.js';
import { rawOffsetInJsonString } from './json-string-offsets.js';
import type { DuplicateKey, NodeLocation, SourceTree } from './source-tree.js';

interface Spot {
  keyOffset?: number;
  valueOffset: number;
  valueEnd: number;
}

export class JsonLocator implements SourceTree {
  private readonly spots = new Map<string, Spot>();

  constructor(
    private readonly text: string,
    targets: readonly string[],
  ) {
    const wanted = new Set<string>(['']);
    for (const target of targets) {
      // Every prefix of a target is on the way to it.
      let at = target.indexOf('/', 1);
      while (at !== -1) {
        wanted.add(target.slice(0, at));
        at = target.indexOf('/', at + 1);
      }
      wanted.add(target);
    }
    const start = this.skipSpace(0);
    this.visit(start, '', undefined, wanted);
  }

  locate(pointer: string): NodeLocation {
    let current = pointer;
    for (;;) {
      const spot = this.spots.get(current);
      if (spot) return { keyOffset: spot.keyOffset, valueOffset: spot.valueOffset, valueLength: spot.valueEnd - spot.valueOffset, exact: current === pointer };
      if (current === '') return { valueOffset: 0, valueLength: 0, exact: false };
      current = current.slice(0, current.lastIndexOf('/'));
    }
  }

  offsetInString(pointer: string, decodedOffset: number): number | undefined {
    const spot = this.spots.get(pointer);
    if (!spot || this.text.charCodeAt(spot.valueOffset) !== 34) return undefined;
    return rawOffsetInJsonString(this.text, spot.valueOffset, decodedOffset);
  }

  duplicateKeys(): DuplicateKey[] {
    throw new Error('JsonLocator does not report duplicate keys; use the full position tree');
  }

  /** Records the value at `offset` if wanted, descends if a target lies below; returns its end. */
  private visit(offset: number, pointer: string, keyOffset: number | undefined, wanted: ReadonlySet<string>): number {
    const code = this.text.charCodeAt(offset);
    let end: number;
    if (code === 123 /* { */) end = this.visitObject(offset, pointer, wanted);
    else if (code === 91 /* [ */) end = this.visitArray(offset, pointer, wanted);
    else end = this.skipScalar(offset);
    this.spots.set(pointer, { keyOffset, valueOffset: offset, valueEnd: end });
    return end;
  }

  private visitObject(open: number, pointer: string, wanted: ReadonlySet<string>): number {
    let at = this.skipSpace(open + 1);
    if (this.text.charCodeAt(at) === 125) return at + 1;
    for (;;) {
      const keyOffset = at;
      const keyEnd = this.skipString(at);
      const raw = this.text.slice(at + 1, keyEnd - 1);
      const key = raw.includes('\\') ? (JSON.parse(this.text.slice(at, keyEnd)) as string) : raw; // escapes are rare in keys
      at = this.skipSpace(this.skipSpace(keyEnd) + 1); // past the colon
      const child = pointer + '/' + escapePointerSegment(key);
      at = wanted.has(child) ? this.visit(at, child, keyOffset, wanted) : this.skipValue(at);
      at = this.skipSpace(at);
      if (this.text.charCodeAt(at) === 125) return at + 1;
      at = this.skipSpace(at + 1); // past the comma
    }
  }

  private visitArray(open: number, pointer: string, wanted: ReadonlySet<string>): number {
    let at = this.skipSpace(open + 1);
    if (this.text.charCodeAt(at) === 93) return at + 1;
    for (let index = 0; ; index++) {
      const child = `${pointer}/${index}`;
      at = wanted.has(child) ? this.visit(at, child, undefined, wanted) : this.skipValue(at);
      at = this.skipSpace(at);
      if (this.text.charCodeAt(at) === 93) return at + 1;
      at = this.skipSpace(at + 1);
    }
  }

  private skipSpace(at: number): number {
    for (let code = this.text.charCodeAt(at); code === 32 || code === 10 || code === 13 || code === 9; code = this.text.charCodeAt(++at));
    return at;
  }

  /** `at` is an opening quote; returns the offset after the closing one. */
  private skipString(at: number): number {
    let close = this.text.indexOf('"', at + 1);
    while (close !== -1) {
      let backslashes = 0;
      while (this.text.charCodeAt(close - 1 - backslashes) === 92) backslashes++;
      if ((backslashes & 1) === 0) return close + 1;
      close = this.text.indexOf('"', close + 1);
    }
    return this.text.length;
  }

  private skipScalar(at: number): number {
    if (this.text.charCodeAt(at) === 34) return this.skipString(at);
    while (at < this.text.length) {
      const code = this.text.charCodeAt(at);
      if (code === 44 || code === 125 || code === 93 || code === 32 || code === 10 || code === 13 || code === 9) break;
      at++;
    }
    return at;
  }

  /** Skips a whole value: strings by quote jumps, containers by counting brackets outside strings. */
  private skipValue(at: number): number {
    const code = this.text.charCodeAt(at);
    if (code !== 123 && code !== 91) return this.skipScalar(at);
    let depth = 0;
    const text = this.text;
    for (let i = at; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 34) i = this.skipString(i) - 1;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) return i + 1;
      }
    }
    return text.length;
  }
}
