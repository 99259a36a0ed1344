// How one cached identity is kept in the store's identities table: ids, status and generation in
// clear; the keys sealed with AES-256-GCM when a seal key is given, with the record's own key as
// additional data so a sealed value cannot be moved onto another identity.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { CachedIdentity } from '../hub-types.js';
import { identityKey } from '../../iothub/client-identity.js';

/** The record that says whose scope the table holds and that a sync has completed. */
export const SCOPE_META_KEY = 'scope';
const IDENTITY_PREFIX = 'identity:';
const FORMAT = 1;
/** The full GCM tag: a shorter one given back would weaken the check. */
const TAG_BYTES = 16;

export interface ScopeMeta {
  format: number;
  edgeDeviceId: string;
  syncedAtMs: number;
}

interface SealedKeys {
  iv: string;
  tag: string;
  data: string;
}

interface IdentityRecord {
  deviceId: string;
  moduleId?: string;
  status: 'enabled' | 'disabled';
  generationId: string;
  iotEdge?: boolean;
  keys?: string[];
  sealedKeys?: SealedKeys;
}

export function identityRecordKey(identity: { deviceId: string; moduleId?: string }): string {
  return IDENTITY_PREFIX + identityKey(identity);
}

export function isIdentityRecordKey(key: string): boolean {
  return key.startsWith(IDENTITY_PREFIX);
}

export function scopeMeta(edgeDeviceId: string, syncedAtMs: number): ScopeMeta {
  return { format: FORMAT, edgeDeviceId, syncedAtMs };
}

export function readScopeMeta(value: unknown): ScopeMeta | undefined {
  if (!isObject(value)) return undefined;
  const { format, edgeDeviceId, syncedAtMs } = value;
  if (format !== FORMAT || typeof edgeDeviceId !== 'string' || typeof syncedAtMs !== 'number') return undefined;
  return { format, edgeDeviceId, syncedAtMs };
}

export function writeIdentityRecord(identity: CachedIdentity, sealKey: Buffer | undefined): IdentityRecord {
  const { keys, ...clear } = identity;
  return sealKey === undefined ? { ...clear, keys: [...keys] } : { ...clear, sealedKeys: seal(keys, sealKey, identityRecordKey(identity)) };
}

/** The identity a record holds; a string saying why when it cannot be read. */
export function readIdentityRecord(recordKey: string, value: unknown, sealKey: Buffer | undefined): CachedIdentity | string {
  if (!isObject(value) || typeof value.deviceId !== 'string' || typeof value.generationId !== 'string') return 'not an identity record';
  if (value.moduleId !== undefined && typeof value.moduleId !== 'string') return 'not an identity record';
  if (value.status !== 'enabled' && value.status !== 'disabled') return 'not an identity record';
  const keys = keysOf(recordKey, value, sealKey);
  if (typeof keys === 'string') return keys;
  return {
    deviceId: value.deviceId,
    ...(value.moduleId === undefined ? {} : { moduleId: value.moduleId }),
    status: value.status,
    keys,
    generationId: value.generationId,
    ...(typeof value.iotEdge === 'boolean' ? { iotEdge: value.iotEdge } : {}),
  };
}

function keysOf(recordKey: string, value: Record<string, unknown>, sealKey: Buffer | undefined): string[] | string {
  if (Array.isArray(value.keys)) return value.keys.every((key) => typeof key === 'string') ? (value.keys as string[]) : 'not an identity record';
  if (!isObject(value.sealedKeys)) return 'not an identity record';
  if (sealKey === undefined) return 'its keys are sealed and no seal key was given';
  const opened = open(value.sealedKeys, sealKey, recordKey);
  return opened ?? 'its keys cannot be unsealed with this seal key';
}

function seal(keys: readonly string[], sealKey: Buffer, recordKey: string): SealedKeys {
  // A fresh 96-bit IV per record, as GCM requires for a key used many times.
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(recordKey, 'utf8'));
  const data = Buffer.concat([cipher.update(JSON.stringify(keys), 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

function open(sealed: Record<string, unknown>, sealKey: Buffer, recordKey: string): string[] | undefined {
  if (typeof sealed.iv !== 'string' || typeof sealed.tag !== 'string' || typeof sealed.data !== 'string') return undefined;
  try {
    const decipher = createDecipheriv('aes-256-gcm', sealKey, Buffer.from(sealed.iv, 'base64'), { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(recordKey, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const text = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
    const keys: unknown = JSON.parse(text);
    return Array.isArray(keys) && keys.every((key) => typeof key === 'string') ? keys : undefined;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
