// How the manifest generator names modules, module outputs and inputs, env variables, routes and
// twin properties. "common" keeps the generator's vocabulary (the same few dozen names recur across
// files, as in real fleets); "unique" draws a fresh name per use, so a cache keyed on names (a
// compiled route, a rule's per-name lookup) hits no more often than on data it has never seen.

/** The vocabulary names, unchanged. */
export function commonNames() {
  const same = (name) => name;
  return { module: same, endpoint: same, env: same, route: same, twinKey: same };
}

// No vowels and no "p": a random name never contains pass, pwd, secret, key, token, sas or conn,
// which would make secret-name rules report findings the common set does not have.
const LETTERS = "bcdfghjklmnqrstvwxzBCDFGHJKLMNQRSTVWXZ";
const TAIL = `${LETTERS}0123456789`;

/** Fresh names from `random` (a seeded () => [0, 1) stream). */
export function uniqueNames(random) {
  const int = (lo, hi) => lo + Math.floor(random() * (hi - lo + 1));
  const word = (min, max) => {
    let text = LETTERS[Math.floor(random() * LETTERS.length)];
    for (let i = 1, n = int(min, max); i < n; i++) text += TAIL[Math.floor(random() * TAIL.length)];
    return text;
  };
  return {
    module: () => word(6, 16),
    endpoint: () => word(4, 12),
    /** A name not yet in `taken`; ASP.NET-style "__" sections now and then, like the vocabulary's. */
    env: (_name, taken) => {
      for (;;) {
        const name = random() < 0.2 ? `${word(3, 8)}__${word(3, 10)}` : word(5, 20);
        if (!(name in taken)) return name;
      }
    },
    route: () => word(6, 16),
    twinKey: () => word(4, 14),
  };
}
