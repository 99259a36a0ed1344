// A twin as the store keeps it, and the JSON IoT Hub shows for it (docs/research/iothub-facts.md §1
// "Twins", §5 "Twin semantics"). Pure: no I/O. Patches merge member by member and a null removes a
// member; every level of desired and reported carries `$metadata.$lastUpdated` (desired also
// `$lastUpdatedVersion`), and each section its own `$version`.
import { twinEtag } from './etags.js';
import { isPlainObject } from './twin-limits.js';

type Json = Record<string, unknown>;

/** `$metadata` of one level: when it last changed, and the metadata of its members. */
export interface Metadata {
  $lastUpdated: string;
  $lastUpdatedVersion?: number;
  [member: string]: unknown;
}

export interface StoredSection {
  values: Json;
  metadata: Metadata;
  version: number;
}

export interface TwinRecord {
  deviceId: string;
  moduleId?: string;
  /** Counts every change; the etag is made from it. */
  changes: number;
  /** The twin `version`: counts changes of tags and desired properties. */
  version: number;
  tags: Json;
  desired: StoredSection;
  reported: StoredSection;
}

/** A new identity's twin: empty sections at `$version` 1 (iothub-facts.md §1 "Lifecycle"). */
export function newTwinRecord(deviceId: string, moduleId: string | undefined, now: string): TwinRecord {
  return {
    deviceId,
    ...(moduleId === undefined ? {} : { moduleId }),
    changes: 1,
    version: 1,
    tags: {},
    desired: { values: {}, metadata: { $lastUpdated: now, $lastUpdatedVersion: 1 }, version: 1 },
    reported: { values: {}, metadata: { $lastUpdated: now }, version: 1 },
  };
}

/** Drops the read-only `$version` and `$metadata` a client may send back at a section's top level. */
export function withoutReadOnly(values: Json): Json {
  const { $version: _version, $metadata: _metadata, ...rest } = values;
  return rest;
}

/** Merges a patch into a section: members added or overwritten, nulls removed, metadata stamped. */
export function mergeSection(section: StoredSection, patch: Json, now: string, stampVersion: boolean): StoredSection {
  const version = section.version + 1;
  const stamp = stampVersion ? { $lastUpdated: now, $lastUpdatedVersion: version } : { $lastUpdated: now };
  const values = structuredClone(section.values);
  const metadata = structuredClone(section.metadata);
  mergeLevel(values, metadata, patch, stamp);
  return { values, metadata, version };
}

/** Replaces a section's members with `values`. */
export function replaceSection(section: StoredSection, values: Json, now: string, stampVersion: boolean): StoredSection {
  const version = section.version + 1;
  const stamp = stampVersion ? { $lastUpdated: now, $lastUpdatedVersion: version } : { $lastUpdated: now };
  const fresh: Json = {};
  const metadata: Metadata = { ...stamp };
  mergeLevel(fresh, metadata, values, stamp);
  return { values: fresh, metadata, version };
}

/** Merges tags: the same rules, without metadata or a version of their own. */
export function mergeTags(tags: Json, patch: Json): Json {
  const merged = structuredClone(tags);
  mergeLevel(merged, undefined, patch, undefined);
  return merged;
}

function mergeLevel(target: Json, metadata: Json | undefined, patch: Json, stamp: Metadata | undefined): void {
  if (metadata && stamp) Object.assign(metadata, stamp);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
      if (metadata) delete metadata[key];
    } else if (isPlainObject(value)) {
      if (!isPlainObject(ownMember(target, key))) setOwnMember(target, key, {});
      if (metadata && !isPlainObject(ownMember(metadata, key))) setOwnMember(metadata, key, {});
      mergeLevel(ownMember(target, key) as Json, metadata === undefined ? undefined : (ownMember(metadata, key) as Json), value, stamp);
    } else {
      setOwnMember(target, key, structuredClone(value));
      if (metadata) setOwnMember(metadata, key, { ...stamp });
    }
  }
}

// A client's `__proto__` or `constructor` key is a plain member: read and written as an own data
// property, it never reaches a prototype (a device may send such a reported patch).
function ownMember(target: Json, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

function setOwnMember(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/** The section as IoT Hub shows it: members, then `$metadata` and `$version`. */
export function showSection(section: StoredSection): Json & { $version: number } {
  return { ...structuredClone(section.values), $metadata: structuredClone(section.metadata), $version: section.version };
}

export function etagOf(record: TwinRecord): string {
  return twinEtag(record.changes);
}
