// How the hub store lays its records out in lmdb: the named databases, their keys, and the compact
// values written for messages and queue entries (msgpack arrays; the body stays binary).
import type { Database, RootDatabase } from 'lmdb';

/** Bumped when the layout changes in a way an older edgewise cannot read. */
export const LAYOUT_VERSION = 1;

/** The identity a message came from (structurally the iothub ClientIdentity). */
export interface StoreIdentity {
  deviceId: string;
  moduleId?: string;
}

/** A message as the store keeps it (structurally the hub's HubMessage). */
export interface StoreMessage {
  source: StoreIdentity;
  outputName?: string;
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
  body: Buffer;
  enqueuedAtMs: number;
}

/** sequence → [deviceId, moduleId, outputName, properties, systemProperties, body, enqueuedAtMs]. */
export type MessageRecord = [string, string | null, string | null, Record<string, string>, Record<string, string>, Buffer, number];
/** [endpoint, priority, offset] → [message sequence, enqueuedAtMs, expiresAtMs or null when infinite]. */
export type EntryKey = [string, number, number];
export type EntryValue = [number, number, number | null];
/** sequence → [queue entries still referring to it, its size in bytes]. */
export type RefValue = [number, number];
/** [expiresAtMs, endpoint, priority, offset] → sequence: finds expired entries without a scan. */
export type ExpiryKey = [number, string, number, number];
/** [endpoint, priority] → the queue's persisted state. */
export interface QueueRecord {
  checkpoint: number;
  lastOffset: number;
  depth: number;
}
export interface Totals {
  messages: number;
  bytes: number;
  lastSequence: number;
}

/** The highest offset ever: range ends within one queue. */
export const MAX_OFFSET = Number.MAX_SAFE_INTEGER;

export interface StoreDatabases {
  messages: Database<MessageRecord, number>;
  refs: Database<RefValue, number>;
  entries: Database<EntryValue, EntryKey>;
  expiry: Database<number, ExpiryKey>;
  queues: Database<QueueRecord, [string, number]>;
  /** 'layout' → LAYOUT_VERSION, 'totals' → Totals. */
  meta: Database<unknown, string>;
  identities: Database<unknown, string>;
  twins: Database<unknown, string>;
  settings: Database<unknown, string>;
}

export const DATABASE_NAMES = ['messages', 'refs', 'entries', 'expiry', 'queues', 'meta', 'identities', 'twins', 'settings'] as const;

export function openDatabases(root: RootDatabase): StoreDatabases {
  const named = <V, K extends import('lmdb').Key>(name: (typeof DATABASE_NAMES)[number]) =>
    root.openDB<V, K>({
      name,
      encoding: 'msgpack',
      sharedStructuresKey: undefined,
    });
  return {
    messages: named('messages'),
    refs: named('refs'),
    entries: named('entries'),
    expiry: named('expiry'),
    queues: named('queues'),
    meta: named('meta'),
    identities: named('identities'),
    twins: named('twins'),
    settings: named('settings'),
  };
}

export function messageRecord(message: StoreMessage): MessageRecord {
  return [
    message.source.deviceId,
    message.source.moduleId ?? null,
    message.outputName ?? null,
    message.properties,
    message.systemProperties,
    message.body,
    message.enqueuedAtMs,
  ];
}

export function messageOf(record: MessageRecord): StoreMessage {
  const [deviceId, moduleId, outputName, properties, systemProperties, body, enqueuedAtMs] = record;
  const message: StoreMessage = {
    source: moduleId === null ? { deviceId } : { deviceId, moduleId },
    properties,
    systemProperties,
    body: Buffer.from(body),
    enqueuedAtMs,
  };
  if (outputName !== null) message.outputName = outputName;
  return message;
}

/** What a message counts for in the store's byte total and limit: its body and its properties. */
export function messageSize(message: StoreMessage): number {
  let size = message.body.length + message.source.deviceId.length + (message.source.moduleId?.length ?? 0);
  for (const bag of [message.properties, message.systemProperties]) {
    for (const [key, value] of Object.entries(bag)) size += key.length + value.length;
  }
  return size;
}
