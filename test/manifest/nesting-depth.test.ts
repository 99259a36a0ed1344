// valueNestsTooDeep answers the same with its plain walk (JSON values) as with the walk that
// remembers where it has been (shared and cyclic values), which takes over past a budget.
import { describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH, valueNestsTooDeep } from '../../src/manifest/nesting-depth.js';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let level = 0; level < levels; level++) value = level % 2 === 0 ? { child: value } : [1, value];
  return value;
}

describe('valueNestsTooDeep', () => {
  it('counts the root as level 1, and only containers', () => {
    expect(valueNestsTooDeep(nested(MAX_NESTING_DEPTH))).toBe(false);
    expect(valueNestsTooDeep(nested(MAX_NESTING_DEPTH + 1))).toBe(true);
    expect(valueNestsTooDeep('text')).toBe(false);
    expect(valueNestsTooDeep(null)).toBe(false);
    expect(valueNestsTooDeep({}, 0)).toBe(true);
  });

  it('finds a deep branch beside many shallow ones', () => {
    const wide = { many: Array.from({ length: 5000 }, (_, index) => ({ index })), deep: nested(MAX_NESTING_DEPTH) };
    expect(valueNestsTooDeep(wide)).toBe(true);
    expect(valueNestsTooDeep({ many: wide.many, shallow: nested(10) })).toBe(false);
  });

  it('answers for a cycle and for an alias bomb without walking every path', () => {
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(valueNestsTooDeep(cycle)).toBe(true);
    // 60 levels, each referring to the one below twice: 2^60 paths, 60 containers.
    let bomb: unknown = { leaf: true };
    for (let level = 0; level < 60; level++) bomb = [bomb, bomb];
    expect(valueNestsTooDeep(bomb)).toBe(false);
    expect(valueNestsTooDeep(bomb, 50)).toBe(true);
    let deepBomb: unknown = nested(MAX_NESTING_DEPTH - 30);
    for (let level = 0; level < 40; level++) deepBomb = [deepBomb, deepBomb];
    expect(valueNestsTooDeep(deepBomb)).toBe(true);
  });
});
