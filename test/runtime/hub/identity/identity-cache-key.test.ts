// The seal key file: made once, owner-only, read back the same; a damaged one is a clear error.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { ensureIdentityCacheKey, IDENTITY_CACHE_KEY_FILE } from '../../../../src/runtime/hub/identity/identity-cache-key.js';

const folders: string[] = [];

afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-identity-key-'));
  folders.push(folder);
  return folder;
}

describe('ensureIdentityCacheKey', () => {
  it('makes a 32-byte key readable by its owner only, and reads the same one back', () => {
    const folder = tempFolder();
    const key = ensureIdentityCacheKey(folder);
    expect(key).toHaveLength(32);
    expect(statSync(join(folder, IDENTITY_CACHE_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(ensureIdentityCacheKey(folder).equals(key)).toBe(true);
    expect(ensureIdentityCacheKey(tempFolder()).equals(key)).toBe(false);
  });

  it('refuses a damaged key file instead of replacing it', () => {
    const folder = tempFolder();
    writeFileSync(join(folder, IDENTITY_CACHE_KEY_FILE), 'short\n');
    const error = (() => {
      try {
        ensureIdentityCacheKey(folder);
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toBe(`${join(folder, IDENTITY_CACHE_KEY_FILE)} is damaged: it should hold the identity cache's key (32 bytes, base64); delete it, and the hub refills its cache at its next connection to the cloud`);
  });

  it('says when the folder cannot be written', () => {
    expect(() => ensureIdentityCacheKey(join(tempFolder(), 'missing'))).toThrow(/^cannot write .*identity-cache\.key \(ENOENT\); check the data folder's permissions$/);
  });
});
