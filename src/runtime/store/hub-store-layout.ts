// How the hub store lays its records out in lmdb: the named databases, their keys, and the compact
// values written for messages and queue entries (msgpack arrays; the body stays binary).
import type { Database, Key, RootDatabase } from 'lmdb';

/**
 * Bumped when the layout changes in a way an older edgewise cannot read. 1: every message in
 * `messages` with a count in `refs`, entries in `entries` pointing at it, and an expiry index
 * (`expiry`). 2: a message with one queue entry is kept inside that entry (one record written per
 * message instead of four), and expiry is found by scanning queue heads; a layout-1 store is
 * migrated at open (hub-store-migrate.ts).
 */
export const LAYOUT_VERSION = 2;

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

/** sequence → [deviceId, moduleId, outputName, properties, systemProperties, body, enqueuedAtMs]: a message several queues share. */
export type MessageRecord = [string, string | null, string | null, Record<string, string>, Record<string, string>, Buffer, number];
/** [endpoint, priority, offset] → a queue entry. */
export type EntryKey = [string, number, number];
/** The only entry of its message, holding it: [enqueuedAtMs, expiresAtMs or null when infinite, size, deviceId, moduleId, outputName, properties, systemProperties, body]. */
export type InlineEntry = [number, number | null, number, string, string | null, string | null, Record<string, string>, Record<string, string>, Buffer];
/** One of several entries of a shared message: [enqueuedAtMs, expiresAtMs or null, message sequence]. */
export type SharedEntry = [number, number | null, number];
export type EntryValue = InlineEntry | SharedEntry;
/** sequence → [queue entries still referring to it, its size in bytes]. */
export type RefValue = [number, number];
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
  /** Messages shared by several queue entries. */
  messages: Database<MessageRecord, number>;
  refs: Database<RefValue, number>;
  /** The queues' entries (database `queue-entries`). */
  entries: Database<EntryValue, EntryKey>;
  queues: Database<QueueRecord, [string, number]>;
  /** 'layout' → LAYOUT_VERSION, 'totals' → Totals. */
  meta: Database<unknown, string>;
  identities: Database<unknown, string>;
  twins: Database<unknown, string>;
  settings: Database<unknown, string>;
}

export const DATABASE_NAMES = ['messages', 'refs', 'queue-entries', 'queues', 'meta', 'identities', 'twins', 'settings'] as const;
/** Layout 1's databases, opened only to migrate them. */
export const LAYOUT_1_NAMES = ['entries', 'expiry'] as const;

export function openNamed<V, K extends Key>(root: RootDatabase, name: string): Database<V, K> {
  return root.openDB<V, K>({
    name,
    encoding: 'msgpack',
    sharedStructuresKey: undefined,
  });
}

export function openDatabases(root: RootDatabase): StoreDatabases {
  return {
    messages: openNamed(root, 'messages'),
    refs: openNamed(root, 'refs'),
    entries: openNamed(root, 'queue-entries'),
    queues: openNamed(root, 'queues'),
    meta: openNamed(root, 'meta'),
    identities: openNamed(root, 'identities'),
    twins: openNamed(root, 'twins'),
    settings: openNamed(root, 'settings'),
  };
}

export const isInline = (entry: EntryValue): entry is InlineEntry => entry.length > 3;
export const enqueuedAtOf = (entry: EntryValue): number => entry[0];
export const expiresAtOf = (entry: EntryValue): number => entry[1] ?? Infinity;

/** The entry that holds a message of one target. */
export function inlineEntry(message: StoreMessage, expiresAtMs: number | null, size: number): InlineEntry {
  return [
    message.enqueuedAtMs,
    expiresAtMs,
    size,
    message.source.deviceId,
    message.source.moduleId ?? null,
    message.outputName ?? null,
    message.properties,
    message.systemProperties,
    message.body,
  ];
}

export function inlineMessageOf(entry: InlineEntry): StoreMessage {
  const [enqueuedAtMs, , , deviceId, moduleId, outputName, properties, systemProperties, body] = entry;
  return messageOf([deviceId, moduleId, outputName, properties, systemProperties, body, enqueuedAtMs]);
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
