// Whatever state the compile caches are in, `edgewise lint` and `validate` start normally and print
// exactly what they print without the start-up bundle: no cache, a damaged, stale or foreign one,
// a folder that cannot be written or is shared, several runs starting at once (pre-commit).
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cacheFileName, decodeCache, encodeCache } from '../../src/cli/startup-cache-file.js';
import { copyInstall, edgewise, edgewiseAsync, filesIn, plainEnv, plainKey, ROOT, type Install, type Run } from './startup-install.js';

const MIXED = join(ROOT, 'test', 'fixtures', 'lint', 'mixed.json');
const LINT = ['lint', MIXED];
const VALIDATE = ['validate', join(ROOT, 'templates'), '--format', 'json'];

let install: Install;
let lintReference: Run;
let validateReference: Run;
let counter = 0;

/** A fresh, not yet existing cache folder inside the install copy. */
function newCacheFolder(): string {
  return join(install.folder, 'caches', String(counter++));
}

function expectSameRun(run: Run, reference: Run): void {
  expect({ code: run.code, stderr: run.stderr, stdout: run.stdout }).toEqual({ code: reference.code, stderr: reference.stderr, stdout: reference.stdout });
}

function lintCacheIn(folder: string): string {
  return join(folder, cacheFileName(plainKey(install.binFolder), 'lint'));
}

function isValidCache(path: string): boolean {
  return decodeCache(readFileSync(path), plainKey(install.binFolder)) !== undefined;
}

/**
 * Flips a byte in every kilobyte of a cache file's V8 payload, keeping its header and length:
 * V8 itself does not notice, and crashes deserializing it (checked without the CRC).
 */
function damagePayload(path: string): void {
  const file = readFileSync(path);
  for (let offset = file.indexOf(0x0a) + 200; offset < file.length; offset += 997) file[offset]! ^= 0x5a;
  writeFileSync(path, file);
}

function removeShippedCaches(): void {
  for (const use of ['lint', 'validate']) rmSync(join(install.binFolder, `cli-script.${use}.cache`), { force: true });
}

beforeAll(() => {
  install = copyInstall();
  // What the ES module build prints is the reference: the bundle must change nothing.
  lintReference = edgewise(install.folder, LINT, plainEnv({ EDGEWISE_NO_STARTUP_BUNDLE: '1' }));
  validateReference = edgewise(install.folder, VALIDATE, plainEnv({ EDGEWISE_NO_STARTUP_BUNDLE: '1' }));
  expect(lintReference.code).toBe(1);
  expect(validateReference.code).toBe(0);
});

afterAll(() => install.remove());

describe('start-up with the caches the build ships', () => {
  it('prints what the ES module build prints, and writes no cache of its own', () => {
    const folder = newCacheFolder();
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
    expectSameRun(edgewise(install.folder, VALIDATE, plainEnv({ EDGEWISE_CACHE_DIR: folder })), validateReference);
    expect(filesIn(folder)).toEqual([]);
  });

  it('ignores a damaged shipped cache and keeps one of its own', () => {
    const shipped = join(install.binFolder, 'cli-script.lint.cache');
    const intact = readFileSync(shipped);
    try {
      damagePayload(shipped);
      const folder = newCacheFolder();
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
      expect(isValidCache(lintCacheIn(folder))).toBe(true);
    } finally {
      writeFileSync(shipped, intact);
    }
  });

  it('keeps a cache of its own where V8 refuses the shipped one, and starts from it next time', () => {
    const shipped = join(install.binFolder, 'cli-script.lint.cache');
    const intact = readFileSync(shipped);
    try {
      // Whole and made for this key, as far as the header says, but V8 code of another script.
      writeFileSync(shipped, encodeCache(plainKey(install.binFolder), new Script('"another script"').createCachedData()));
      const folder = newCacheFolder();
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
      const own = statSync(lintCacheIn(folder));
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
      const after = statSync(lintCacheIn(folder));
      expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: own.ino, mtimeMs: own.mtimeMs });
    } finally {
      writeFileSync(shipped, intact);
    }
  });

  it('ignores a shipped cache made for another build of the bundle', () => {
    const shipped = join(install.binFolder, 'cli-script.lint.cache');
    const intact = readFileSync(shipped);
    try {
      const header = intact.subarray(0, intact.indexOf(0x0a)).toString('latin1');
      const other = header.replace(/"bundle":"[0-9a-f]{16}"/, '"bundle":"0000000000000000"');
      expect(other).not.toBe(header);
      writeFileSync(shipped, Buffer.concat([Buffer.from(other, 'latin1'), intact.subarray(header.length)]));
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: newCacheFolder() })), lintReference);
    } finally {
      writeFileSync(shipped, intact);
    }
  });
});

describe('start-up with a cache of its own (another Node or other flags than the build)', () => {
  beforeAll(removeShippedCaches);

  it('writes a cache on its first run and starts from it, unchanged, on the next', () => {
    const folder = newCacheFolder();
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
    const cache = lintCacheIn(folder);
    expect(filesIn(folder)).toEqual([cache.slice(folder.length + 1)]);
    expect(isValidCache(cache)).toBe(true);
    const written = statSync(cache);
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
    const after = statSync(cache);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: written.ino, mtimeMs: written.mtimeMs });
  });

  it('replaces a damaged cache, a truncated one, an empty one and one of garbage', () => {
    const folder = newCacheFolder();
    edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder }));
    const cache = lintCacheIn(folder);
    const intact = readFileSync(cache);
    const damaged = [
      () => damagePayload(cache),
      () => writeFileSync(cache, intact.subarray(0, intact.length - 1000)),
      () => writeFileSync(cache, ''),
      () => writeFileSync(cache, Buffer.alloc(intact.length, 0x41)),
    ];
    for (const damage of damaged) {
      damage();
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
      expect(isValidCache(cache)).toBe(true);
    }
  });

  it('keeps a cache per command, and validate prints as before', () => {
    const folder = newCacheFolder();
    expectSameRun(edgewise(install.folder, VALIDATE, plainEnv({ EDGEWISE_CACHE_DIR: folder })), validateReference);
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
    expect(filesIn(folder).map((name) => name.split('-')[1])).toEqual(['lint', 'validate']);
    expectSameRun(edgewise(install.folder, VALIDATE, plainEnv({ EDGEWISE_CACHE_DIR: folder })), validateReference);
  });

  it('starts a new cache after an upgrade (another bundle) and leaves the old one to pruning', () => {
    const folder = newCacheFolder();
    edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder }));
    const old = lintCacheIn(folder);
    const script = join(install.binFolder, 'cli-script.js');
    const intact = readFileSync(script, 'latin1');
    try {
      writeFileSync(script, intact.replace(/^\/\/edgewise-bundle [0-9a-f]{16}/, '//edgewise-bundle 1111111111111111'), 'latin1');
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
      const upgraded = lintCacheIn(folder);
      expect(upgraded).not.toBe(old);
      expect(filesIn(folder)).toEqual([old, upgraded].map((path) => path.slice(folder.length + 1)).sort());
      expect(isValidCache(upgraded)).toBe(true);
    } finally {
      writeFileSync(script, intact, 'latin1');
    }
  });

  it('runs several at once (pre-commit) and leaves one whole cache, no temporary files', async () => {
    const folder = newCacheFolder();
    const runs = await Promise.all(Array.from({ length: 6 }, () => edgewiseAsync(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder }))));
    for (const run of runs) expectSameRun(run, lintReference);
    const cache = lintCacheIn(folder);
    expect(filesIn(folder)).toEqual([cache.slice(folder.length + 1)]);
    expect(isValidCache(cache)).toBe(true);
  });

  it('starts normally where no cache folder can be made, or none is known', () => {
    const blocker = join(install.folder, 'caches', `file-${counter++}`);
    mkdirSync(join(install.folder, 'caches'), { recursive: true });
    writeFileSync(blocker, 'a file where the cache folder would go');
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: join(blocker, 'edgewise') })), lintReference);
    expect(existsSync(join(blocker, 'edgewise'))).toBe(false);
    const noHome = plainEnv({ HOME: undefined, XDG_CACHE_HOME: undefined, LOCALAPPDATA: undefined, USERPROFILE: undefined });
    expectSameRun(edgewise(install.folder, LINT, noHome), lintReference);
  });

  it.runIf(process.platform !== 'win32')('neither reads nor writes a cache in a folder others can write', () => {
    const folder = newCacheFolder();
    mkdirSync(folder, { recursive: true });
    chmodSync(folder, 0o777); // open to everyone, as /tmp is
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder })), lintReference);
    expect(filesIn(folder)).toEqual([]);
  });

  it('reads and writes no cache with EDGEWISE_NO_COMPILE_CACHE', () => {
    const folder = newCacheFolder();
    expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: folder, EDGEWISE_NO_COMPILE_CACHE: '1' })), lintReference);
    expect(filesIn(folder)).toEqual([]);
  });
});

describe('start-up without the bundle', () => {
  it.each(['cli-script.js', 'launch.cjs'])('falls back to the ES module build when %s is missing', (name) => {
    const path = join(install.binFolder, name);
    const intact = readFileSync(path);
    try {
      rmSync(path);
      expectSameRun(edgewise(install.folder, LINT, plainEnv({ EDGEWISE_CACHE_DIR: newCacheFolder() })), lintReference);
    } finally {
      writeFileSync(path, intact);
    }
  });
});
