// The compile cache's file format: only whole bytes made for this exact bundle, Node and flags
// reach V8 (which would crash on a damaged payload), whatever else lies in the file.
import { describe, expect, it } from 'vitest';
import { cacheFileName, cacheKeyFor, canChecksum, decodeCache, encodeCache, type CacheKey } from '../../src/cli/startup-cache-file.js';

const KEY: CacheKey = { bundle: '0123456789abcdef', node: 'v20.20.2', arch: 'x64', flags: '811c9dc5' };
const PAYLOAD = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 31) & 0xff));

describe('compile cache file', () => {
  it('can checksum on this Node', () => {
    expect(canChecksum()).toBe(true);
  });

  it('gives back the payload it was made from', () => {
    expect(decodeCache(encodeCache(KEY, PAYLOAD), KEY)?.equals(PAYLOAD)).toBe(true);
  });

  it.each([
    ['another bundle (an upgrade)', { bundle: 'fedcba9876543210' }],
    ['another Node', { node: 'v22.12.0' }],
    ['another architecture', { arch: 'arm64' }],
    ['other V8 flags', { flags: '00000000' }],
  ])('refuses a cache made for %s', (_name, change) => {
    expect(decodeCache(encodeCache(KEY, PAYLOAD), { ...KEY, ...change })).toBeUndefined();
  });

  it('refuses a payload with one byte changed', () => {
    const file = encodeCache(KEY, PAYLOAD);
    for (const offset of [0, 1000, PAYLOAD.length - 1]) {
      const damaged = Buffer.from(file);
      damaged[file.length - PAYLOAD.length + offset]! ^= 0x40;
      expect(decodeCache(damaged, KEY)).toBeUndefined();
    }
  });

  it('refuses a truncated, empty, headless or foreign file', () => {
    const file = encodeCache(KEY, PAYLOAD);
    expect(decodeCache(file.subarray(0, file.length - 1), KEY)).toBeUndefined();
    expect(decodeCache(file.subarray(0, file.indexOf(0x0a) + 1), KEY)).toBeUndefined();
    expect(decodeCache(Buffer.alloc(0), KEY)).toBeUndefined();
    expect(decodeCache(PAYLOAD, KEY)).toBeUndefined();
    expect(decodeCache(Buffer.from('edgewise-code-cache-1 {not json\nxx'), KEY)).toBeUndefined();
    expect(decodeCache(Buffer.concat([Buffer.alloc(2000, 0x20), file]), KEY)).toBeUndefined();
  });

  it('keys caches by the flags that change V8 code', () => {
    const base = cacheKeyFor('0123456789abcdef', { version: 'v20.20.2', arch: 'x64', execArgv: [] }, {});
    expect(base).toEqual({ bundle: '0123456789abcdef', node: 'v20.20.2', arch: 'x64', flags: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(cacheKeyFor('0123456789abcdef', { version: 'v20.20.2', arch: 'x64', execArgv: ['--stack-size=2000'] }, {}).flags).not.toBe(base.flags);
    expect(cacheKeyFor('0123456789abcdef', { version: 'v20.20.2', arch: 'x64', execArgv: [] }, { NODE_OPTIONS: '--max-old-space-size=4096' }).flags).not.toBe(base.flags);
    expect(cacheKeyFor('0123456789abcdef', { version: 'v20.20.2', arch: 'x64', execArgv: [] }, { NODE_OPTIONS: '' }).flags).toBe(base.flags);
  });

  it('names a cache by the command that made it and its key, as a plain file name', () => {
    expect(cacheFileName(KEY, 'lint')).toBe('cli-lint-0123456789abcdef-v20.20.2-x64-811c9dc5.cache');
    expect(cacheFileName({ ...KEY, node: 'v20/../x' }, 'lint')).not.toMatch(/[/\\]/);
  });
});
