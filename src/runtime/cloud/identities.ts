// The identity registry: devices and modules with IoT Hub's JSON shapes, kept in the store
// (docs/research/iothub-facts.md §1 "Device identity", "Module identity"; §4 "Scope strings and
// parents"). Every write checks and changes its records in one synchronous lmdb transaction, so a
// refused request changes nothing; a twin is created and removed with its identity.
import type { CloudStore } from '../store/open-store.js';
import { CloudError } from './cloud-error.js';
import { checkIfMatch, newIdentityEtag } from './etags.js';
import { NEVER, checkId, newGenerationId, resolveKeys, type SymmetricKeys } from './identity-fields.js';
import { newTwinRecord } from './twin-document.js';

export type { SymmetricKeys } from './identity-fields.js';

export interface DeviceIdentity {
  deviceId: string;
  generationId: string;
  etag: string;
  status: 'enabled' | 'disabled';
  statusReason?: string;
  authentication: { type: 'sas'; symmetricKey: SymmetricKeys };
  capabilities: { iotEdge: boolean };
  /** An edge device's own scope, `ms-azure-iot-edge://{deviceId}-{generationId}`; a leaf device's: its parent's. */
  deviceScope?: string;
  /** The parent's scope, at most one. */
  parentScopes: string[];
  connectionState: 'Connected' | 'Disconnected';
  connectionStateUpdatedTime: string;
  statusUpdatedTime: string;
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
}

export interface ModuleIdentity {
  deviceId: string;
  moduleId: string;
  generationId: string;
  etag: string;
  managedBy?: string;
  authentication: { type: 'sas'; symmetricKey: SymmetricKeys };
  connectionState: 'Connected' | 'Disconnected';
  connectionStateUpdatedTime: string;
  lastActivityTime: string;
  cloudToDeviceMessageCount: number;
}

/** The module identities IoT Hub creates with every edge device (iothub-facts.md §1 "System modules"). */
export const SYSTEM_MODULES = ['$edgeAgent', '$edgeHub'] as const;

const SCOPE_PREFIX = 'ms-azure-iot-edge://';

/** How a create or update names a parent: not at all (keep), by an empty value (clear), or by a scope. */
type ParentRequest = { kind: 'keep' } | { kind: 'clear' } | { kind: 'set'; scope: string };

export class IdentityRegistry {
  constructor(private readonly store: CloudStore) {}

  async createDevice(input: { deviceId: string } & Partial<DeviceIdentity>): Promise<DeviceIdentity> {
    const deviceId = checkId('device', input.deviceId);
    const authentication = { type: 'sas' as const, symmetricKey: resolveKeys(input.authentication, undefined) };
    const iotEdge = readEdgeFlag(input.capabilities, false);
    const status = readStatus(input.status, 'enabled');
    return this.store.writeSync(() => {
      if (this.getDevice(deviceId)) throw CloudError.deviceAlreadyExists(deviceId);
      const now = new Date().toISOString();
      const generationId = newGenerationId();
      const ownScope = iotEdge ? edgeScope(deviceId, generationId) : undefined;
      const parent = this.resolveParent(deviceId, iotEdge, readParentRequest(input, ownScope, []), []);
      const device: DeviceIdentity = {
        deviceId,
        generationId,
        etag: newIdentityEtag(),
        status,
        ...(input.statusReason === undefined ? {} : { statusReason: String(input.statusReason) }),
        authentication,
        capabilities: { iotEdge },
        ...scopeFields(ownScope, parent),
        connectionState: 'Disconnected',
        connectionStateUpdatedTime: NEVER,
        statusUpdatedTime: NEVER,
        lastActivityTime: NEVER,
        cloudToDeviceMessageCount: 0,
      };
      void this.store.devices.put(deviceId, device);
      void this.store.twins.put([deviceId, ''], newTwinRecord(deviceId, undefined, now));
      if (iotEdge) this.addSystemModules(deviceId, now);
      return device;
    });
  }

  getDevice(deviceId: string): DeviceIdentity | undefined {
    return this.store.devices.get(deviceId) as DeviceIdentity | undefined;
  }

  listDevices(): DeviceIdentity[] {
    return [...this.store.devices.getRange().map(({ value }) => value as DeviceIdentity)];
  }

  async updateDevice(input: { deviceId: string } & Partial<DeviceIdentity>, ifMatch?: string): Promise<DeviceIdentity> {
    const deviceId = checkId('device', input.deviceId);
    return this.store.writeSync(() => {
      const current = this.getDevice(deviceId);
      if (!current) throw CloudError.deviceNotFound(deviceId);
      checkIfMatch(ifMatch, current.etag, `device ${deviceId}`);
      const now = new Date().toISOString();
      const iotEdge = readEdgeFlag(input.capabilities, current.capabilities.iotEdge);
      if (current.capabilities.iotEdge && !iotEdge && this.childrenOf(current).length > 0) {
        throw CloudError.argumentInvalid(`Device ${deviceId} is the parent of other devices, so it must stay an IoT Edge device; remove its children's parent first.`);
      }
      const ownScope = iotEdge ? edgeScope(deviceId, current.generationId) : undefined;
      const parent = this.resolveParent(deviceId, iotEdge, readParentRequest(input, ownScope, current.parentScopes), current.parentScopes);
      const status = readStatus(input.status, current.status);
      const { deviceScope: _scope, parentScopes: _parents, statusReason: _reason, ...kept } = current;
      const statusReason = input.statusReason === undefined ? current.statusReason : input.statusReason;
      const device: DeviceIdentity = {
        ...kept,
        etag: newIdentityEtag(),
        status,
        ...(statusReason === undefined || statusReason === null ? {} : { statusReason: String(statusReason) }),
        statusUpdatedTime: status === current.status ? current.statusUpdatedTime : now,
        authentication: { type: 'sas', symmetricKey: resolveKeys(input.authentication, current.authentication.symmetricKey) },
        capabilities: { iotEdge },
        ...scopeFields(ownScope, parent),
      };
      void this.store.devices.put(deviceId, device);
      if (iotEdge) this.addSystemModules(deviceId, now);
      return device;
    });
  }

  async deleteDevice(deviceId: string, ifMatch?: string): Promise<void> {
    this.store.writeSync(() => {
      const current = this.getDevice(deviceId);
      if (!current) throw CloudError.deviceNotFound(deviceId);
      checkIfMatch(ifMatch, current.etag, `device ${deviceId}`);
      for (const { key } of this.store.modules.getRange(rangeOf(deviceId))) void this.store.modules.remove(key);
      for (const { key } of this.store.twins.getRange(rangeOf(deviceId))) void this.store.twins.remove(key);
      // Children of a removed edge device lose their parent (an emulator choice: IoT Hub's behaviour is unconfirmed).
      for (const child of this.childrenOf(current)) {
        const { deviceScope, parentScopes: _parents, ...rest } = child;
        void this.store.devices.put(child.deviceId, { ...rest, ...scopeFields(child.capabilities.iotEdge ? deviceScope : undefined, undefined), etag: newIdentityEtag() });
      }
      void this.store.devices.remove(deviceId);
    });
  }

  async createModule(input: { deviceId: string; moduleId: string } & Partial<ModuleIdentity>): Promise<ModuleIdentity> {
    const deviceId = checkId('device', input.deviceId);
    const moduleId = checkId('module', input.moduleId);
    const symmetricKey = resolveKeys(input.authentication, undefined);
    return this.store.writeSync(() => {
      if (!this.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
      if (this.getModule(deviceId, moduleId)) throw CloudError.moduleAlreadyExists(deviceId, moduleId);
      const now = new Date().toISOString();
      return this.putNewModule(deviceId, moduleId, symmetricKey, input.managedBy, now);
    });
  }

  getModule(deviceId: string, moduleId: string): ModuleIdentity | undefined {
    return this.store.modules.get([deviceId, moduleId]) as ModuleIdentity | undefined;
  }

  listModules(deviceId: string): ModuleIdentity[] {
    return [...this.store.modules.getRange(rangeOf(deviceId)).map(({ value }) => value as ModuleIdentity)];
  }

  async updateModule(input: { deviceId: string; moduleId: string } & Partial<ModuleIdentity>, ifMatch?: string): Promise<ModuleIdentity> {
    const { deviceId, moduleId } = input;
    return this.store.writeSync(() => {
      const current = this.existingModule(deviceId, moduleId);
      checkIfMatch(ifMatch, current.etag, `module ${deviceId}/${moduleId}`);
      const { managedBy: _managedBy, ...kept } = current;
      const managedBy = input.managedBy === undefined ? current.managedBy : input.managedBy;
      const module: ModuleIdentity = {
        ...kept,
        etag: newIdentityEtag(),
        ...(managedBy ? { managedBy: String(managedBy) } : {}),
        authentication: { type: 'sas', symmetricKey: resolveKeys(input.authentication, current.authentication.symmetricKey) },
      };
      void this.store.modules.put([deviceId, moduleId], module);
      return module;
    });
  }

  async deleteModule(deviceId: string, moduleId: string, ifMatch?: string): Promise<void> {
    this.store.writeSync(() => {
      const current = this.existingModule(deviceId, moduleId);
      checkIfMatch(ifMatch, current.etag, `module ${deviceId}/${moduleId}`);
      void this.store.modules.remove([deviceId, moduleId]);
      void this.store.twins.remove([deviceId, moduleId]);
    });
  }

  /** Records a connect or disconnect; an identity removed meanwhile is ignored. The etag does not change. */
  async setConnectionState(deviceId: string, moduleId: string | undefined, state: 'Connected' | 'Disconnected'): Promise<void> {
    this.store.writeSync(() => {
      const now = new Date().toISOString();
      const stamp = { connectionState: state, connectionStateUpdatedTime: now, lastActivityTime: now };
      if (moduleId === undefined) {
        const device = this.getDevice(deviceId);
        if (device) void this.store.devices.put(deviceId, { ...device, ...stamp });
      } else {
        const module = this.getModule(deviceId, moduleId);
        if (module) void this.store.modules.put([deviceId, moduleId], { ...module, ...stamp });
      }
    });
  }

  /** What an edge hub learns of its scope: the edge device itself, its direct children, and its modules (iothub-facts.md §4). */
  scopeOf(edgeDeviceId: string): { devices: DeviceIdentity[]; modules: ModuleIdentity[] } {
    const edge = this.getDevice(edgeDeviceId);
    if (!edge) throw CloudError.deviceNotFound(edgeDeviceId);
    if (!edge.capabilities.iotEdge) throw CloudError.argumentInvalid(`Device ${edgeDeviceId} is not an IoT Edge device, so it has no device scope.`);
    return { devices: [edge, ...this.childrenOf(edge)], modules: this.listModules(edgeDeviceId) };
  }

  /** The edge device a device's parent scope names, if any. */
  parentOf(device: DeviceIdentity): DeviceIdentity | undefined {
    const scope = device.parentScopes[0];
    return scope === undefined ? undefined : this.edgeDeviceWithScope(scope);
  }

  private childrenOf(edge: DeviceIdentity): DeviceIdentity[] {
    if (!edge.capabilities.iotEdge || !edge.deviceScope) return [];
    return this.listDevices().filter((device) => device.deviceId !== edge.deviceId && device.parentScopes.includes(edge.deviceScope!));
  }

  private edgeDeviceWithScope(scope: string): DeviceIdentity | undefined {
    if (!scope.startsWith(SCOPE_PREFIX)) return undefined;
    // The id is what lies between the prefix and the last `-` (iothub-facts.md §4).
    const id = scope.slice(SCOPE_PREFIX.length, scope.lastIndexOf('-'));
    const device = this.getDevice(id);
    return device?.capabilities.iotEdge && device.deviceScope === scope ? device : undefined;
  }

  /** The parent scope a device ends up with, after IoT Edge's rules: one parent, an edge device, no cycle. */
  private resolveParent(deviceId: string, iotEdge: boolean, request: ParentRequest, currentParents: string[]): string | undefined {
    const current = currentParents[0];
    if (request.kind === 'keep') return current;
    if (request.kind === 'clear') return undefined;
    const { scope } = request;
    if (scope === current) return current;
    const parent = this.edgeDeviceWithScope(scope);
    if (!parent) throw CloudError.argumentInvalid(`The parent scope ${scope} is not the scope of an IoT Edge device in this hub; only IoT Edge devices can be parents.`);
    if (parent.deviceId === deviceId) throw CloudError.argumentInvalid(`Device ${deviceId} cannot be its own parent.`);
    if (current !== undefined) {
      const currentParent = this.edgeDeviceWithScope(current)?.deviceId ?? current;
      throw CloudError.argumentInvalid(`Device ${deviceId} already has the parent ${currentParent}, and a device has exactly one parent; remove that parent first.`);
    }
    if (iotEdge) {
      const seen = new Set<string>();
      for (let above: DeviceIdentity | undefined = parent; above && !seen.has(above.deviceId); above = this.parentOf(above)) {
        if (above.deviceId === deviceId) throw CloudError.argumentInvalid(`Making ${parent.deviceId} the parent of ${deviceId} would make a cycle of parents.`);
        seen.add(above.deviceId);
      }
    }
    return scope;
  }

  private addSystemModules(deviceId: string, now: string): void {
    for (const moduleId of SYSTEM_MODULES) {
      if (!this.getModule(deviceId, moduleId)) this.putNewModule(deviceId, moduleId, resolveKeys(undefined, undefined), undefined, now);
    }
  }

  private putNewModule(deviceId: string, moduleId: string, symmetricKey: SymmetricKeys, managedBy: unknown, now: string): ModuleIdentity {
    const module: ModuleIdentity = {
      deviceId,
      moduleId,
      generationId: newGenerationId(),
      etag: newIdentityEtag(),
      ...(managedBy ? { managedBy: String(managedBy) } : {}),
      authentication: { type: 'sas', symmetricKey },
      connectionState: 'Disconnected',
      connectionStateUpdatedTime: NEVER,
      lastActivityTime: NEVER,
      cloudToDeviceMessageCount: 0,
    };
    void this.store.modules.put([deviceId, moduleId], module);
    void this.store.twins.put([deviceId, moduleId], newTwinRecord(deviceId, moduleId, now));
    return module;
  }

  private existingModule(deviceId: string, moduleId: string): ModuleIdentity {
    const module = this.getModule(deviceId, moduleId);
    if (module) return module;
    if (!this.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
    throw CloudError.moduleNotFound(deviceId, moduleId);
  }
}

function edgeScope(deviceId: string, generationId: string): string {
  return `${SCOPE_PREFIX}${deviceId}-${generationId}`;
}

/** An edge device's scope is its own; a leaf device's is its parent's. Both list the parent in parentScopes. */
function scopeFields(ownScope: string | undefined, parent: string | undefined): { deviceScope?: string; parentScopes: string[] } {
  const deviceScope = ownScope ?? parent;
  return { ...(deviceScope === undefined ? {} : { deviceScope }), parentScopes: parent === undefined ? [] : [parent] };
}

/**
 * Reads the parent a request names: a leaf device through deviceScope or parentScopes (as the Azure
 * CLI does), an edge device through parentScopes only, since its deviceScope is its own.
 */
function readParentRequest(input: Partial<DeviceIdentity>, ownScope: string | undefined, currentParents: string[]): ParentRequest {
  const given = new Set<string>();
  let mentioned = false;
  if (input.parentScopes !== undefined && input.parentScopes !== null) {
    if (!Array.isArray(input.parentScopes) || input.parentScopes.some((scope) => typeof scope !== 'string')) throw CloudError.argumentInvalid('parentScopes must be an array of scope strings.');
    if (input.parentScopes.filter(Boolean).length > 1) throw CloudError.argumentInvalid('parentScopes names more than one parent; a device has exactly one parent.');
    mentioned = true;
    for (const scope of input.parentScopes) if (scope) given.add(scope);
  }
  if (input.deviceScope !== undefined && input.deviceScope !== null) {
    if (typeof input.deviceScope !== 'string') throw CloudError.argumentInvalid('deviceScope must be a string.');
    if (ownScope === undefined) {
      mentioned = true;
      if (input.deviceScope) given.add(input.deviceScope);
    } else if (input.deviceScope && input.deviceScope !== ownScope && !currentParents.includes(input.deviceScope)) {
      // Its own scope, or the parent's that a leaf device turned edge device sends back, changes nothing.
      throw CloudError.argumentInvalid(`An IoT Edge device's deviceScope is its own (${ownScope}); give it a parent through parentScopes.`);
    }
  }
  if (given.size > 1) throw CloudError.argumentInvalid('deviceScope and parentScopes name different parents; a device has exactly one parent.');
  const [scope] = given;
  if (scope !== undefined) return { kind: 'set', scope };
  return mentioned ? { kind: 'clear' } : { kind: 'keep' };
}

function readEdgeFlag(capabilities: unknown, fallback: boolean): boolean {
  if (capabilities === undefined || capabilities === null) return fallback;
  const iotEdge = (capabilities as { iotEdge?: unknown }).iotEdge;
  if (iotEdge === undefined || iotEdge === null) return fallback;
  if (typeof iotEdge !== 'boolean') throw CloudError.argumentInvalid('capabilities.iotEdge must be true or false.');
  return iotEdge;
}

function readStatus(status: unknown, fallback: 'enabled' | 'disabled'): 'enabled' | 'disabled' {
  if (status === undefined || status === null) return fallback;
  if (status !== 'enabled' && status !== 'disabled') throw CloudError.argumentInvalid(`status must be "enabled" or "disabled", not ${JSON.stringify(status)}.`);
  return status;
}

/** The keys [deviceId, …] of one device's modules or twins. */
function rangeOf(deviceId: string): { start: [string, string]; end: [string, string] } {
  return { start: [deviceId, ''], end: [deviceId, '\uffff'] };
}
