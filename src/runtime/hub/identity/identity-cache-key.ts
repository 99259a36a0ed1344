// The key that seals the identity cache's keys at rest. edgeHub encrypts its cache with a key the
// security daemon holds outside edgeHub's storage (docs/FACTS.md §4); here the key lives in a file
// of its own in the data folder, owner-only, beside (not inside) the store folder, so a copy of
// the store alone does not reveal any device's keys.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../errors.js';
import { readDataFile } from '../../data-folder/data-folder-file.js';

export const IDENTITY_CACHE_KEY_FILE = 'identity-cache.key';

const KEY_BYTES = 32;

/** Reads DIR/identity-cache.key, making it on first use. */
export function ensureIdentityCacheKey(dataFolder: string): Buffer {
  const path = join(dataFolder, IDENTITY_CACHE_KEY_FILE);
  const existing = readKey(path);
  if (existing) return existing;
  try {
    // Exclusive create: two starts racing on one folder must not each write a different key.
    writeFileSync(path, `${randomBytes(KEY_BYTES).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
      throw new InputError(`cannot write ${path} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the data folder's permissions`, 'identity-key-unwritable');
    }
  }
  const made = readKey(path);
  if (!made) throw damaged(path);
  return made;
}

function readKey(path: string): Buffer | undefined {
  const text = readDataFile(path);
  if (text === undefined) return undefined;
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) throw damaged(path);
  return key;
}

function damaged(path: string): InputError {
  return new InputError(`${path} is damaged: it should hold the identity cache's key (${KEY_BYTES} bytes, base64); delete it, and the hub refills its cache at its next connection to the cloud`, 'identity-key-damaged');
}
