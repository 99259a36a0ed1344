import { describe, expect, it } from 'vitest';
import { appendPointer, getAtPointer, parsePointer, toPointer } from '../../src/manifest/json-pointer.js';

describe('JSON Pointer (RFC 6901)', () => {
  it('keeps keys with dots and escapes ~ and /', async () => {
    const pointer = toPointer(['modulesContent', '$edgeAgent', 'properties.desired', 'a/b', 'c~d']);
    expect(pointer).toBe('/modulesContent/$edgeAgent/properties.desired/a~1b/c~0d');
    expect(parsePointer(pointer)).toEqual(['modulesContent', '$edgeAgent', 'properties.desired', 'a/b', 'c~d']);
  });

  it('decodes ~01 as ~1, not as /', async () => {
    expect(parsePointer('/~01')).toEqual(['~1']);
  });

  it('reads values, including array indexes, and misses cleanly', async () => {
    const doc = { 'properties.desired': { list: [10, { x: 1 }] } };
    expect(getAtPointer(doc, '/properties.desired/list/1/x')).toBe(1);
    expect(getAtPointer(doc, appendPointer('/properties.desired', 'missing'))).toBeUndefined();
    expect(getAtPointer(doc, '')).toBe(doc);
  });
});
