// Device and module twins, durable and versioned (docs/research/iothub-facts.md §1 "Twins", §5).
// Desired and reported properties each keep a `$version` that only grows; the twin `version` counts
// changes of tags and desired properties; the etag changes with every write. Patches merge and
// nulls delete; a write over IoT Hub's limits is refused whole. Listeners hear of desired changes
// only after they are committed.
import type { CloudStore } from '../store/open-store.js';
import { CloudError } from './cloud-error.js';
import { checkIfMatch } from './etags.js';
import type { DeviceIdentity, ModuleIdentity } from './identities.js';
import { etagOf, mergeSection, mergeTags, newTwinRecord, replaceSection, showSection, withoutReadOnly, type TwinRecord } from './twin-document.js';
import { checkTwinSize, checkTwinValues, isPlainObject, type TwinSection } from './twin-limits.js';

export interface TwinProperties {
  [key: string]: unknown;
  $version: number;
}

export interface Twin {
  deviceId: string;
  moduleId?: string;
  etag: string;
  version: number;
  status: 'enabled' | 'disabled';
  tags?: Record<string, unknown>;
  properties: { desired: TwinProperties; reported: TwinProperties };
  // Read-only fields IoT Hub copies from the identity into the twin (iothub-facts.md §1 "Twin JSON fields").
  deviceEtag?: string;
  statusReason?: string;
  statusUpdateTime?: string;
  connectionState?: 'Connected' | 'Disconnected';
  lastActivityTime?: string;
  cloudToDeviceMessageCount?: number;
  authenticationType?: 'sas';
  x509Thumbprint?: { primaryThumbprint: null; secondaryThumbprint: null };
  capabilities?: { iotEdge: boolean };
  deviceScope?: string;
  parentScopes?: string[];
}

export interface DesiredChange {
  deviceId: string;
  moduleId?: string;
  /** The patch as applied (nulls kept, they mean delete), with its new $version. */
  patch: TwinProperties;
}

/** A service-side twin patch, as `PATCH /twins/{id}` carries it. */
export interface TwinPatch {
  tags?: Record<string, unknown>;
  properties?: { desired?: Record<string, unknown>; reported?: unknown };
}

type Json = Record<string, unknown>;

export class TwinStore {
  private readonly listeners = new Set<(change: DesiredChange) => void>();

  constructor(private readonly store: CloudStore) {}

  /** The twin as IoT Hub shows it; CloudError 404 when the identity (so its twin) does not exist. */
  get(deviceId: string, moduleId?: string): Twin {
    return this.show(this.existing(deviceId, moduleId));
  }

  /** The twin, created if its identity exists but it does not (the registry creates twins with identities). */
  async ensure(deviceId: string, moduleId?: string): Promise<Twin> {
    const record = this.store.writeSync(() => {
      const found = this.read(deviceId, moduleId);
      if (found) return found;
      this.requireIdentity(deviceId, moduleId);
      const created = newTwinRecord(deviceId, moduleId, new Date().toISOString());
      void this.store.twins.put(keyOf(deviceId, moduleId), created);
      return created;
    });
    return this.show(record);
  }

  async patchDesired(deviceId: string, moduleId: string | undefined, patch: Record<string, unknown>, ifMatch?: string): Promise<Twin> {
    return this.patchTwin(deviceId, moduleId, { properties: { desired: patch } }, ifMatch);
  }

  /** Tags and desired properties in one write with one If-Match, as `PATCH /twins/{id}` sends them. */
  async patchTwin(deviceId: string, moduleId: string | undefined, patch: TwinPatch, ifMatch?: string): Promise<Twin> {
    if (!isPlainObject(patch)) throw CloudError.argumentInvalid('A twin patch must be a JSON object.');
    if (patch.properties !== undefined && !isPlainObject(patch.properties)) throw CloudError.argumentInvalid('properties must be a JSON object.');
    if (patch.properties?.reported !== undefined) throw CloudError.argumentInvalid('Reported properties are written by the device; the service can change only tags and desired properties.');
    const tags = patch.tags === undefined ? undefined : readPatch('tags', patch.tags);
    const desired = patch.properties?.desired === undefined ? undefined : readPatch('desired', patch.properties.desired);
    const now = new Date().toISOString();
    const record = this.write(deviceId, moduleId, ifMatch, (current) => {
      const next = { ...current, changes: current.changes + 1, version: current.version + 1 };
      if (tags) next.tags = checkedTags(mergeTags(current.tags, tags));
      if (desired) next.desired = checkedSection('desired', mergeSection(current.desired, desired, now, true));
      return next;
    });
    if (desired) this.emit({ deviceId, ...(moduleId === undefined ? {} : { moduleId }), patch: { ...desired, $version: record.desired.version } });
    return this.show(record);
  }

  /**
   * Replaces the whole desired section (a deployment through applyConfigurationContent). The change
   * listeners receive the new desired properties plus a null for every member that went away, so a
   * device that merges patches, as the SDKs do, ends up with exactly the new section.
   */
  async replaceDesired(deviceId: string, moduleId: string | undefined, desired: Record<string, unknown>, ifMatch?: string): Promise<Twin> {
    const values = readPatch('desired', desired);
    const now = new Date().toISOString();
    let removed: string[] = [];
    const record = this.write(deviceId, moduleId, ifMatch, (current) => {
      removed = Object.keys(current.desired.values).filter((key) => !Object.hasOwn(values, key));
      return { ...current, changes: current.changes + 1, version: current.version + 1, desired: checkedSection('desired', replaceSection(current.desired, values, now, true)) };
    });
    const patch: TwinProperties = { ...Object.fromEntries(removed.map((key) => [key, null])), ...structuredClone(values), $version: record.desired.version };
    this.emit({ deviceId, ...(moduleId === undefined ? {} : { moduleId }), patch });
    return this.show(record);
  }

  /** A device's reported patch; returns the new reported `$version`. */
  async patchReported(deviceId: string, moduleId: string | undefined, patch: Record<string, unknown>): Promise<number> {
    const reported = readPatch('reported', patch);
    const now = new Date().toISOString();
    const record = this.write(deviceId, moduleId, undefined, (current) => ({
      ...current,
      changes: current.changes + 1,
      reported: checkedSection('reported', mergeSection(current.reported, reported, now, false)),
    }));
    return record.reported.version;
  }

  async patchTags(deviceId: string, moduleId: string | undefined, tags: Record<string, unknown>, ifMatch?: string): Promise<Twin> {
    return this.patchTwin(deviceId, moduleId, { tags }, ifMatch);
  }

  async remove(deviceId: string, moduleId?: string): Promise<void> {
    this.store.writeSync(() => {
      void this.store.twins.remove(keyOf(deviceId, moduleId));
    });
  }

  /** Calls `listener` after each committed desired change; returns the function that stops it. */
  onDesired(listener: (change: DesiredChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(change: DesiredChange): void {
    for (const listener of this.listeners) {
      try {
        listener(structuredClone(change));
      } catch {
        // A listener's failure is its own (e.g. a closed socket); the change is stored either way.
      }
    }
  }

  private write(deviceId: string, moduleId: string | undefined, ifMatch: string | undefined, change: (current: TwinRecord) => TwinRecord): TwinRecord {
    return this.store.writeSync(() => {
      const current = this.existing(deviceId, moduleId);
      checkIfMatch(ifMatch, etagOf(current), `the twin of ${moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`}`);
      const next = change(current);
      void this.store.twins.put(keyOf(deviceId, moduleId), next);
      return next;
    });
  }

  private read(deviceId: string, moduleId: string | undefined): TwinRecord | undefined {
    return this.store.twins.get(keyOf(deviceId, moduleId)) as TwinRecord | undefined;
  }

  private existing(deviceId: string, moduleId: string | undefined): TwinRecord {
    const record = this.read(deviceId, moduleId);
    if (record) return record;
    this.requireIdentity(deviceId, moduleId);
    // The identity exists without a twin: only if the store was written by something else.
    throw moduleId === undefined ? CloudError.deviceNotFound(deviceId) : CloudError.moduleNotFound(deviceId, moduleId);
  }

  private requireIdentity(deviceId: string, moduleId: string | undefined): void {
    if (this.store.devices.get(deviceId) === undefined) throw CloudError.deviceNotFound(deviceId);
    if (moduleId !== undefined && this.store.modules.get([deviceId, moduleId]) === undefined) throw CloudError.moduleNotFound(deviceId, moduleId);
  }

  private show(record: TwinRecord): Twin {
    const device = this.store.devices.get(record.deviceId) as DeviceIdentity | undefined;
    const module = record.moduleId === undefined ? undefined : (this.store.modules.get([record.deviceId, record.moduleId]) as ModuleIdentity | undefined);
    const identity = module ?? device;
    return {
      deviceId: record.deviceId,
      ...(record.moduleId === undefined ? {} : { moduleId: record.moduleId }),
      etag: etagOf(record),
      ...(identity ? { deviceEtag: identity.etag } : {}),
      // Modules have no status of their own (iothub-facts.md §1 "Module identity").
      status: module ? 'enabled' : (device?.status ?? 'enabled'),
      ...(!module && device?.statusReason !== undefined ? { statusReason: device.statusReason } : {}),
      ...(!module && device ? { statusUpdateTime: device.statusUpdatedTime } : {}),
      ...(identity ? { connectionState: identity.connectionState, lastActivityTime: identity.lastActivityTime, cloudToDeviceMessageCount: identity.cloudToDeviceMessageCount } : {}),
      authenticationType: 'sas',
      x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null },
      version: record.version,
      ...(!module && device ? { capabilities: device.capabilities, ...(device.deviceScope === undefined ? {} : { deviceScope: device.deviceScope }), parentScopes: device.parentScopes } : {}),
      tags: structuredClone(record.tags),
      properties: { desired: showSection(record.desired), reported: showSection(record.reported) },
    };
  }
}

function keyOf(deviceId: string, moduleId: string | undefined): [string, string] {
  return [deviceId, moduleId ?? ''];
}

/** Checks a patch's shape, keys and values, and drops the read-only `$version` and `$metadata`. */
function readPatch(section: TwinSection, patch: unknown): Json {
  if (!isPlainObject(patch)) throw CloudError.argumentInvalid(`The ${section === 'tags' ? 'tags' : `${section} properties`} must be a JSON object.`);
  const values = withoutReadOnly(patch);
  checkTwinValues(section, values);
  return values;
}

function checkedSection<T extends { values: Json }>(section: TwinSection, merged: T): T {
  checkTwinSize(section, merged.values);
  return merged;
}

function checkedTags(tags: Json): Json {
  checkTwinSize('tags', tags);
  return tags;
}
