// A device's reported patch is untrusted input: keys such as `__proto__` must stay plain members
// of the twin and never reach Object.prototype (found by the edge hub's twin review).
import { describe, expect, it } from 'vitest';
import { mergeSection, mergeTags, newTwinRecord } from '../../../src/runtime/cloud/twin-document.js';

describe('twin document merge', () => {
  it('keeps __proto__ and constructor keys as plain members', () => {
    const record = newTwinRecord('d', undefined, '2026-12-07T00:00:00Z');
    const patch = JSON.parse('{"__proto__": {"pollutedByTwin": 1}, "constructor": {"prototype": {"pollutedByTwin": 2}}, "plain": 3}');
    const merged = mergeSection(record.reported, patch, '2026-12-07T00:00:01Z', true);
    expect(({} as Record<string, unknown>).pollutedByTwin).toBeUndefined();
    expect(Object.hasOwn(merged.values, '__proto__')).toBe(true);
    expect(JSON.parse(JSON.stringify(merged.values))).toEqual(patch);
    const tags = mergeTags({}, JSON.parse('{"__proto__": {"pollutedByTags": 1}}'));
    expect(({} as Record<string, unknown>).pollutedByTags).toBeUndefined();
    expect(Object.hasOwn(tags, '__proto__')).toBe(true);
  });
});
