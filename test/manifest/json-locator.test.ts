// The one-pass locator must place every pointer exactly where the full position tree does.
import { describe, expect, it } from 'vitest';
import { appendPointer } from '../../src/manifest/json-pointer.js';
import { JsonLocator } from '../../src/manifest/json-locator.js';
import { parseJsonTree } from '../../src/manifest/json-source.js';
import { corpusFiles, readCorpus } from '../corpus/corpus-files.js';

function allPointers(value: unknown, pointer = '', out: string[] = []): string[] {
  out.push(pointer);
  if (Array.isArray(value)) value.forEach((item, index) => allPointers(item, appendPointer(pointer, index), out));
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) allPointers(item, appendPointer(pointer, key), out);
  return out;
}

describe('JsonLocator', () => {
  it('agrees with the full position tree on every pointer of every JSON corpus file', () => {
    let checked = 0;
    for (const name of corpusFiles()) {
      const { text } = readCorpus(name);
      const full = parseJsonTree(text.replace(/^\uFEFF/, ''));
      if (!full.ok) continue;
      const pointers = allPointers(JSON.parse(text.replace(/^\uFEFF/, '')));
      const locator = new JsonLocator(text.replace(/^\uFEFF/, ''), pointers);
      for (const pointer of pointers) {
        const a = locator.locate(pointer);
        const b = full.tree.locate(pointer);
        expect([name, pointer, a.keyOffset, a.valueOffset, a.valueLength]).toEqual([name, pointer, b.keyOffset, b.valueOffset, b.valueLength]);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(5_000); // 5,503 pointers when written
  });

  it('falls back to the nearest ancestor for a pointer that does not exist, and maps string offsets', () => {
    const text = '{"a": {"b\\\\c": "x\\"y", "list": [1, {"z": true}]}}';
    const locator = new JsonLocator(text, ['/a/missing/deeper', '/a/b\\c', '/a/list/1/z']);
    expect(locator.locate('/a/missing/deeper')).toMatchObject({ exact: false, valueOffset: text.indexOf('{"b') });
    expect(locator.locate('/a/list/1/z')).toMatchObject({ exact: true, valueOffset: text.indexOf('true'), keyOffset: text.indexOf('"z"') });
    expect(locator.offsetInString('/a/b\\c', 2)).toBe(text.indexOf('y'));
  });
});
