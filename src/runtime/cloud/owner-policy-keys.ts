// The iothubowner policy's keys, made at random on the emulator's first start and kept in
// DIR/iothubowner.json (owner-only), so service connection strings keep working across restarts.
import { randomBytes } from 'node:crypto';
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { readDataFile } from '../data-folder/data-folder-file.js';

export interface PolicyKeys {
  keyName: string;
  primaryKey: string;
  secondaryKey: string;
}

const FILE = 'iothubowner.json';

export function ensureOwnerPolicyKeys(dataFolder: string): PolicyKeys {
  const path = join(dataFolder, FILE);
  if (existsSync(path)) return readKeys(path);
  // 32 random bytes, as IoT Hub's generated keys are.
  const keys: PolicyKeys = { keyName: 'iothubowner', primaryKey: randomBytes(32).toString('base64'), secondaryKey: randomBytes(32).toString('base64') };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
  return keys;
}

function readKeys(path: string): PolicyKeys {
  try {
    const keys = JSON.parse(readDataFile(path) ?? '') as PolicyKeys;
    if (typeof keys.primaryKey === 'string' && keys.primaryKey !== '' && typeof keys.secondaryKey === 'string') return { ...keys, keyName: 'iothubowner' };
  } catch {
    // reported below
  }
  throw new InputError(`${path} is damaged: it should hold the iothubowner keys; restore it, or delete it to make new keys (service connection strings change)`);
}
