// mulberry32 (as bench/seeded-random.mjs): one seed, one sequence of numbers in [0, 1), so a test
// that draws its fault moments or inputs at random can be replayed exactly from the seed it printed.

export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
