// Finds the config that applies to a file: the nearest .edgewise.yaml, .edgewise.yml or
// .edgewise.json in its folder or above, as ESLint and Prettier look up theirs.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const CONFIG_NAMES = ['.edgewise.yaml', '.edgewise.yml', '.edgewise.json'];

export function findConfigFile(startFolder: string): string | undefined {
  let folder = resolve(startFolder);
  for (;;) {
    for (const name of CONFIG_NAMES) {
      const candidate = join(folder, name);
      if (existsSync(candidate)) return candidate;
    }
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}
