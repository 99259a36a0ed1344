// Twin patches as IoT Hub applies them: merge level by level, null deletes. The hub merges a
// client's offline patches into one only when the cloud would end up the same as after each one.
import { describe, expect, it } from 'vitest';
import { applyPatch, diffProperties, mergePatches } from '../../../../src/runtime/hub/upstream/twin-patches.js';

describe('twin patches', () => {
  it('applies members, nested merges and null deletions, ignoring $version', () => {
    const before = { a: 1, b: { c: 2, d: 3 }, e: [1, 2], $version: 4 };
    expect(applyPatch(before, { a: 5, b: { c: null, f: 6 }, e: null, g: 'x', $version: 99 })).toEqual({ a: 5, b: { d: 3, f: 6 }, g: 'x', $version: 4 });
    expect(before).toEqual({ a: 1, b: { c: 2, d: 3 }, e: [1, 2], $version: 4 });
  });

  it('merges two patches into one with the same effect, keeping nulls', () => {
    const merged = mergePatches({ a: 1, b: { c: 2 }, gone: null }, { a: null, b: { d: 3 }, e: 4 });
    expect(merged).toEqual({ a: null, b: { c: 2, d: 3 }, gone: null, e: 4 });
    const cloud = { a: 0, b: { x: 1 }, gone: 1 };
    expect(applyPatch(cloud, merged!)).toEqual(applyPatch(applyPatch(cloud, { a: 1, b: { c: 2 }, gone: null }), { a: null, b: { d: 3 }, e: 4 }));
  });

  it('refuses to merge when an object patch follows a deletion or a plain value of the same member', () => {
    expect(mergePatches({ a: null }, { a: { b: 1 } })).toBeUndefined();
    expect(mergePatches({ a: 1 }, { a: { b: 1 } })).toBeUndefined();
    expect(mergePatches({ a: { x: null } }, { a: { x: { y: 1 } } })).toBeUndefined();
    expect(mergePatches({ a: { b: 1 } }, { a: null })).toEqual({ a: null });
  });

  it('diffs two property sets into the patch between them', () => {
    const from = { a: 1, b: { c: 2, d: 3 }, gone: true, same: [1], $version: 3 };
    const to = { a: 2, b: { c: 2, e: 5 }, same: [1], added: { x: 1 }, $version: 7 };
    const patch = diffProperties(from, to);
    expect(patch).toEqual({ a: 2, b: { d: null, e: 5 }, gone: null, added: { x: 1 } });
    const { $version: _ignored, ...expected } = to;
    const { $version: _also, ...applied } = applyPatch(from, patch);
    expect(applied).toEqual(expected);
    expect(diffProperties(to, to)).toEqual({});
  });

  it('keeps __proto__ and constructor keys as plain members, never touching a prototype', () => {
    const patch = JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "a": {"__proto__": {"polluted": 3}}}') as Record<string, unknown>;
    const applied = applyPatch({}, patch);
    const merged = mergePatches(JSON.parse('{"__proto__": {"x": 1}}') as Record<string, unknown>, patch);
    const diffed = diffProperties({}, applied);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(applied)).toBe(Object.prototype);
    expect(JSON.parse(JSON.stringify(applied))).toEqual(JSON.parse('{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"polluted": 2}}, "a": {"__proto__": {"polluted": 3}}}'));
    expect(Object.keys(merged!)).toEqual(['__proto__', 'constructor', 'a']);
    expect(Object.keys(diffed)).toEqual(['__proto__', 'constructor', 'a']);
  });
});
