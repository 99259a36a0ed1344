// Finds where given JSON Pointers sit in JSON text, in one pass that descends only into the
// objects and arrays on the way to them and skips everything else. Placing a handful of
// findings this way is several times cheaper than building a full position tree, which
// matters when thousands of files each have a few findings. Needs valid JSON (JSON.parse
// accepted it); duplicate keys resolve to the last one, as in JSON.parse.
import { escapePointerSegment, parsePointer } from './json-pointer.js';
import { JsonStringOffsetTable } from './json-string-offset-table.js';
import type { DuplicateKey, NodeLocation, SourceTree } from './source-tree.js';

interface Spot {
  keyOffset?: number;
  valueOffset: number;
  valueEnd: number;
}

/** The targets as a tree of (unescaped) segments: what to descend into below one value. */
interface Wanted {
  children?: Map<string, Wanted>;
  /** The highest array index among the children, so an array's tail is skipped without looking. */
  lastIndex: number;
}

export class JsonLocator implements SourceTree {
  private readonly spots = new Map<string, Spot>();
  /** One per string literal that findings point into, by the literal's offset. */
  private readonly stringTables = new Map<number, JsonStringOffsetTable>();

  constructor(
    private readonly text: string,
    targets: readonly string[],
  ) {
    // Every prefix of a target is on the way to it. A tree rather than a set of pointer strings:
    // a member is looked up by its key, without building its pointer, so an object of 60,000
    // modules of which a few are wanted costs one map lookup per module.
    const wanted: Wanted = { lastIndex: -1 };
    for (const target of targets) {
      if (target !== '' && !target.startsWith('/')) continue; // not a pointer: nothing to find
      let node = wanted;
      for (const segment of parsePointer(target)) {
        node.children ??= new Map();
        let child = node.children.get(segment);
        if (!child) {
          child = { lastIndex: -1 };
          node.children.set(segment, child);
          if (/^(0|[1-9]\d*)$/.test(segment)) node.lastIndex = Math.max(node.lastIndex, Number(segment));
        }
        node = child;
      }
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
    let table = this.stringTables.get(spot.valueOffset);
    if (!table) {
      table = new JsonStringOffsetTable(this.text, spot.valueOffset);
      this.stringTables.set(spot.valueOffset, table);
    }
    return table.rawOffset(decodedOffset);
  }

  duplicateKeys(): DuplicateKey[] {
    throw new Error('JsonLocator does not report duplicate keys; use the full position tree');
  }

  /** Records the value at `offset`, descends if a target lies below it; returns its end. */
  private visit(offset: number, pointer: string, keyOffset: number | undefined, wanted: Wanted): number {
    const code = this.text.charCodeAt(offset);
    let end: number;
    if (!wanted.children) end = this.skipValue(offset);
    else if (code === 123 /* { */) end = this.visitObject(offset, pointer, wanted.children);
    else if (code === 91 /* [ */) end = this.visitArray(offset, pointer, wanted);
    else end = this.skipScalar(offset);
    this.spots.set(pointer, { keyOffset, valueOffset: offset, valueEnd: end });
    return end;
  }

  private visitObject(open: number, pointer: string, children: ReadonlyMap<string, Wanted>): number {
    let at = this.skipSpace(open + 1);
    if (this.text.charCodeAt(at) === 125) return at + 1;
    for (;;) {
      const keyOffset = at;
      const keyEnd = this.skipString(at);
      const raw = this.text.slice(at + 1, keyEnd - 1);
      const key = raw.includes('\\') ? (JSON.parse(this.text.slice(at, keyEnd)) as string) : raw; // escapes are rare in keys
      at = this.skipSpace(this.skipSpace(keyEnd) + 1); // past the colon
      const child = children.get(key);
      at = child ? this.visit(at, pointer + '/' + escapePointerSegment(key), keyOffset, child) : this.skipValue(at);
      at = this.skipSpace(at);
      if (this.text.charCodeAt(at) === 125) return at + 1;
      at = this.skipSpace(at + 1); // past the comma
    }
  }

  private visitArray(open: number, pointer: string, wanted: Wanted): number {
    let at = this.skipSpace(open + 1);
    if (this.text.charCodeAt(at) === 93) return at + 1;
    for (let index = 0; ; index++) {
      const child = index <= wanted.lastIndex ? wanted.children!.get(String(index)) : undefined;
      at = child ? this.visit(at, `${pointer}/${index}`, undefined, child) : this.skipValue(at);
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
