// One deployment's twin section folded into desired properties (apply-twin-section.ts).
import { describe, expect, it } from 'vitest';
import { applyTwinSection, desiredOfSection } from '../../src/merge/apply-twin-section.js';
import { desiredPathOfKey } from '../../src/merge/flattened-key.js';

describe('applyTwinSection', () => {
  it('the more specific key wins, whatever the order of the keys in the file', () => {
    expect(desiredOfSection({ 'properties.desired.a.b': 2, 'properties.desired.a': { b: 1, c: 3 } })).toEqual({ a: { b: 2, c: 3 } });
    expect(desiredOfSection({ 'properties.desired.a': { b: 1, c: 3 }, 'properties.desired.a.b': 2 })).toEqual({ a: { b: 2, c: 3 } });
  });

  it('"properties.desired" comes first, then flattened keys add to it', () => {
    expect(desiredOfSection({ 'properties.desired.x': 1, 'properties.desired': { y: 2 } })).toEqual({ x: 1, y: 2 });
  });

  it('replaces what lower priorities set at the same path, keeps the rest', () => {
    const lower = { modules: { a: { image: 'a:1', env: { X: { value: '1' } } }, b: { image: 'b:1' } } };
    expect(applyTwinSection(lower, { 'properties.desired.modules.a': { image: 'a:2' } })).toEqual({ modules: { a: { image: 'a:2' }, b: { image: 'b:1' } } });
    expect(lower.modules.a.image).toBe('a:1');
  });

  it('ignores keys that are not desired properties', () => {
    expect(desiredOfSection({ 'properties.reported': { x: 1 }, 'properties.desiredX': 2, 'properties.desired.': 3 })).toEqual({});
    expect(desiredPathOfKey('properties.desired.modules.filter')).toEqual(['modules', 'filter']);
  });
});
