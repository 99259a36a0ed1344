// twin-size counts a desired document while it walks it for the other limits; the count must be
// twin-json-size.ts's (key plus value, `$` keys left out, numbers 8, booleans and null 4, object
// createOptions of a template as the text generation writes). Random documents, padded past the
// 28 KB warning so the rule says its count, are checked against twinValueBytes.
import { describe, expect, it } from 'vitest';
import { twinSize } from '../../src/rules/twin-size.js';
import { twinValueBytes } from '../../src/manifest/twin-json-size.js';
import { lintWithRule } from './rule-tester.js';

/** A small seeded generator (mulberry32), so a failure can be run again. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ['alpha', '$meta', 'größe', 'line\u0001feed', 'createOptions', 'x', 'ünï', '\u0085c1', 'ok'];

function randomValue(next: () => number, depth: number): unknown {
  const pick = next();
  if (depth > 12 || pick < 0.3) return WORDS[Math.floor(next() * WORDS.length)]! + 'é'.repeat(Math.floor(next() * 3));
  if (pick < 0.4) return Math.floor(next() * 1000) / 7;
  if (pick < 0.45) return next() < 0.5;
  if (pick < 0.5) return null;
  if (pick < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => randomValue(next, depth + 1));
  const object: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) object[WORDS[Math.floor(next() * WORDS.length)]! + i] = randomValue(next, depth + 1);
  if (next() < 0.2) object.createOptions = { HostConfig: { Binds: ['/a:/b'] }, Env: ['A=ü'] };
  return object;
}

/** What generation would write for a template: object createOptions become JSON text. */
function asGenerated(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asGenerated);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, key === 'createOptions' && child !== null && typeof child === 'object' && !Array.isArray(child) ? JSON.stringify(child) : asGenerated(child)]),
  );
}

describe('twin-size counts as twin-json-size does', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('random document %i, as a manifest and as a template', async (seed) => {
    const next = random(seed);
    const desired: Record<string, unknown> = {
      shape: randomValue(next, 0),
      more: randomValue(next, 0),
    };
    // Padding past the 28 KB warning (and under the 4 KB string limit) makes the rule state its count.
    for (let i = 0; i < 8; i++) desired[`pad${i}`] = 'p'.repeat(3900);
    const document = {
      modulesContent: { sensor: { 'properties.desired': desired } },
    };
    for (const [flavour, expected] of [
      ['manifest', twinValueBytes(desired)],
      ['template', twinValueBytes(asGenerated(desired))],
    ] as const) {
      const { own } = await lintWithRule(
        twinSize,
        {
          file: `seed-${seed}.json`,
          text: JSON.stringify(document, null, 2),
        },
        flavour,
      );
      const sized = own.filter((finding) => finding.messageId === 'nearLimit' || finding.messageId === 'tooLarge');
      expect(
        sized.map((finding) => /about (\d+) bytes/.exec(finding.message)?.[1]),
        flavour,
      ).toEqual([String(expected)]);
    }
  });
});
