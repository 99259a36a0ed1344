// Writing a user's compile cache: whole or not at all, owner-only, in a folder only its owner can
// write; failures leave nothing behind and throw nothing (a cache is only an optimisation).
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCacheFile, usableCacheFolder, writeCacheFile } from '../../src/cli/startup-code-cache.js';

const POSIX = process.platform !== 'win32';
let scratch: string;

beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'edgewise-startup-cache-'));
});
afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('compile cache files', () => {
  it('writes a cache whole into a new owner-only folder and leaves no temporary file', () => {
    const folder = join(scratch, 'a', 'b');
    writeCacheFile(folder, 'cli-lint-x.cache', Buffer.from('payload'));
    expect(readFileSync(join(folder, 'cli-lint-x.cache'), 'utf8')).toBe('payload');
    expect(readdirSync(folder)).toEqual(['cli-lint-x.cache']);
    if (POSIX) {
      expect(statSync(folder).mode & 0o777).toBe(0o700);
      expect(statSync(join(folder, 'cli-lint-x.cache')).mode & 0o777).toBe(0o600);
    }
  });

  it('replaces an older cache of the same name', () => {
    writeCacheFile(scratch, 'cli-lint-x.cache', Buffer.from('old'));
    writeCacheFile(scratch, 'cli-lint-x.cache', Buffer.from('new'));
    expect(readCacheFile(join(scratch, 'cli-lint-x.cache'))?.toString()).toBe('new');
  });

  it('writes nothing and throws nothing where the folder cannot be made', () => {
    const file = join(scratch, 'file');
    writeFileSync(file, 'not a folder');
    expect(() => writeCacheFile(join(file, 'cache'), 'cli-lint-x.cache', Buffer.from('payload'))).not.toThrow();
    expect(usableCacheFolder(join(file, 'cache'), true)).toBe(false);
    expect(readdirSync(scratch)).toEqual(['file']);
  });

  it.runIf(POSIX)('neither reads from nor writes to a folder others can write', () => {
    const shared = join(scratch, 'shared');
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(usableCacheFolder(shared, false)).toBe(false);
    writeCacheFile(shared, 'cli-lint-x.cache', Buffer.from('payload'));
    expect(readdirSync(shared)).toEqual([]);
  });

  it('writes nothing into a read-only folder', (context) => {
    if (!POSIX || process.getuid?.() === 0) {
      const reason = 'skipped: root writes into a read-only folder anyway, and Windows has no mode bits; run the suite as a normal user to check it (a folder that cannot be made is covered by "writes nothing and throws nothing where the folder cannot be made")';
      console.log(reason);
      context.skip(reason);
    }
    const locked = join(scratch, 'locked');
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o500);
    expect(() => writeCacheFile(locked, 'cli-lint-x.cache', Buffer.from('payload'))).not.toThrow();
    chmodSync(locked, 0o700);
    expect(readdirSync(locked)).toEqual([]);
  });

  it('keeps the four newest caches and removes abandoned temporary files', () => {
    mkdirSync(scratch, { recursive: true });
    const hourAgo = Date.now() / 1000 - 3600;
    for (let index = 0; index < 5; index++) {
      const path = join(scratch, `cli-lint-old${index}.cache`);
      writeFileSync(path, 'old');
      utimesSync(path, hourAgo + index, hourAgo + index);
    }
    writeFileSync(join(scratch, 'cli-lint-dead.123-abc.tmp'), 'half');
    utimesSync(join(scratch, 'cli-lint-dead.123-abc.tmp'), hourAgo, hourAgo);
    writeFileSync(join(scratch, 'cli-lint-live.456-def.tmp'), 'being written');
    writeFileSync(join(scratch, 'notes.txt'), 'not ours');
    writeCacheFile(scratch, 'cli-lint-new.cache', Buffer.from('new'));
    expect(readdirSync(scratch).sort()).toEqual(['cli-lint-live.456-def.tmp', 'cli-lint-new.cache', 'cli-lint-old2.cache', 'cli-lint-old3.cache', 'cli-lint-old4.cache', 'notes.txt']);
  });

  it('reads a missing cache as none', () => {
    expect(readCacheFile(join(scratch, 'missing.cache'))).toBeUndefined();
  });
});
