// What the `edgewise cloud` verbs use: IoT Hub's service REST API of a running emulator, found
// through DIR/cloud.json, called with the iothubowner policy and trusting the emulator's CA. The
// verbs go through the same API as the official service SDK, so the API is what they prove.
// An emulator that is not running (no cloud.json, or nothing answers) is one clear error.
import { InputError } from '../../errors.js';
import { readCloudInfo, type CloudInfo } from './cloud-info.js';
import { deviceConnectionString, parseConnectionString } from '../iothub/connection-strings.js';
import type { DeviceIdentity, ModuleIdentity } from './identities.js';
import type { MethodResult } from '../iothub/method-broker.js';
import { EmulatorUnreachableError, serviceRequest, type ServiceCall, type ServiceEndpoint } from './rest/service-request.js';
import { readDataFile } from '../data-folder/data-folder-file.js';

export const DEFAULT_DATA_FOLDER = '.edgewise/cloud';

/** No emulator serves the data folder: the verbs say so in one line (exit 2). */
export class NoEmulatorError extends InputError {
  constructor(folder: string) {
    super(`no emulator at ${folder}: start it with \`edgewise cloud serve --data ${folder}\``, 'no-emulator');
  }
}

/** A twin as the REST API answers it: the store's twin with identity fields on its root. */
export interface TwinDocument {
  deviceId: string;
  moduleId?: string;
  etag: string;
  version: number;
  tags?: Record<string, unknown>;
  properties: { desired: Record<string, unknown>; reported: Record<string, unknown> };
  [field: string]: unknown;
}

/** A device-to-cloud message as `GET /edgewise/messages` lists it. */
export interface CloudMessage {
  sequenceNumber: number;
  deviceId: string;
  moduleId: string | null;
  body: string;
  bodyEncoding?: 'base64';
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
  enqueuedTimeUtc: string;
}

/** A cloud-to-device message as `POST /edgewise/devices/{id}/messages` takes it. */
export interface CloudToDeviceRequest {
  body: string;
  bodyEncoding?: 'base64';
  properties?: Record<string, string>;
  messageId?: string;
  correlationId?: string;
  expiryTimeUtc?: string;
}

export interface InvokeOptions {
  payload?: unknown;
  responseTimeoutInSeconds?: number;
  connectTimeoutInSeconds?: number;
}

/** An id as a path segment; an empty one names no identity (and would shift the path onto another resource). */
function id(value: string): string {
  if (value === '') throw new InputError('an empty device or module id names no identity; give the id, e.g. sensor-1 or sensor-1/filter', 'invalid-option');
  return encodeURIComponent(value);
}

export class ServiceClient {
  private constructor(
    readonly info: CloudInfo,
    private readonly endpoint: ServiceEndpoint,
    private readonly folder: string,
  ) {}

  /** The client of the emulator serving this folder; NoEmulatorError when none does. */
  static fromDataFolder(folder: string = DEFAULT_DATA_FOLDER): ServiceClient {
    const info = readCloudInfo(folder);
    if (!info) throw new NoEmulatorError(folder);
    const settings = parseConnectionString(info.serviceConnectionString);
    const ca = readDataFile(info.ca);
    if (ca === undefined) throw new NoEmulatorError(folder);
    const endpoint = { host: info.https.host, port: info.https.port, ca, hostName: settings.HostName ?? info.hostName, keyName: settings.SharedAccessKeyName ?? 'iothubowner', key: settings.SharedAccessKey ?? '' };
    return new ServiceClient(info, endpoint, folder);
  }

  /** The connection string a device (or module) uses with the device SDK: HostName carries the MQTT port. */
  connectionString(deviceId: string, key: string, moduleId?: string): string {
    return deviceConnectionString(`${this.info.mqtt.host}:${this.info.mqtt.port}`, deviceId, key, moduleId);
  }

  /** A device; `parent` makes it a child of that edge device (IoT Hub's deviceScope / parentScopes). */
  async createDevice(deviceId: string, options: { edge?: boolean; parent?: DeviceIdentity } = {}): Promise<DeviceIdentity> {
    const edge = options.edge === true;
    const scope = options.parent?.deviceScope;
    const body: Record<string, unknown> = { deviceId, status: 'enabled', capabilities: { iotEdge: edge }, authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } };
    // A leaf names its parent in deviceScope, an edge device in parentScopes (its own scope is its own).
    if (scope !== undefined) Object.assign(body, edge ? { parentScopes: [scope] } : { deviceScope: scope, parentScopes: [scope] });
    return (await this.call({ method: 'PUT', path: `/devices/${id(deviceId)}`, body })) as DeviceIdentity;
  }

  async getDevice(deviceId: string): Promise<DeviceIdentity> {
    return (await this.call({ method: 'GET', path: `/devices/${id(deviceId)}` })) as DeviceIdentity;
  }

  async listDevices(): Promise<DeviceIdentity[]> {
    return (await this.call({ method: 'GET', path: '/devices' })) as DeviceIdentity[];
  }

  async deleteDevice(deviceId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: `/devices/${id(deviceId)}`, headers: { 'if-match': '"*"' } });
  }

  /** Enables or disables a device, under its current etag so a concurrent change is not overwritten. */
  async setDeviceStatus(deviceId: string, status: 'enabled' | 'disabled'): Promise<DeviceIdentity> {
    const device = await this.getDevice(deviceId);
    const body = { ...device, status };
    return (await this.call({ method: 'PUT', path: `/devices/${id(deviceId)}`, body, headers: { 'if-match': `"${device.etag}"` } })) as DeviceIdentity;
  }

  async createModule(deviceId: string, moduleId: string): Promise<ModuleIdentity> {
    const body = { deviceId, moduleId, authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } };
    return (await this.call({ method: 'PUT', path: `/devices/${id(deviceId)}/modules/${id(moduleId)}`, body })) as ModuleIdentity;
  }

  async listModules(deviceId: string): Promise<ModuleIdentity[]> {
    return (await this.call({ method: 'GET', path: `/devices/${id(deviceId)}/modules` })) as ModuleIdentity[];
  }

  async getTwin(deviceId: string, moduleId?: string): Promise<TwinDocument> {
    return (await this.call({ method: 'GET', path: twinPath(deviceId, moduleId) })) as TwinDocument;
  }

  /** Merges a patch into the desired properties (nulls delete). */
  async updateDesired(deviceId: string, moduleId: string | undefined, desired: Record<string, unknown>): Promise<TwinDocument> {
    return (await this.call({ method: 'PATCH', path: twinPath(deviceId, moduleId), body: { properties: { desired } }, headers: { 'if-match': '"*"' } })) as TwinDocument;
  }

  async invokeMethod(deviceId: string, moduleId: string | undefined, methodName: string, options: InvokeOptions = {}): Promise<MethodResult> {
    const response = options.responseTimeoutInSeconds ?? 30;
    const connect = options.connectTimeoutInSeconds ?? 0;
    const body = { methodName, payload: options.payload ?? null, responseTimeoutInSeconds: response, connectTimeoutInSeconds: connect };
    // As the service SDK: the socket waits as long as the call may take, plus a margin.
    return (await this.call({ method: 'POST', path: `${twinPath(deviceId, moduleId)}/methods`, body, timeoutMs: (response + connect + 10) * 1000 })) as MethodResult;
  }

  async applyConfigurationContent(deviceId: string, content: { modulesContent: Record<string, unknown> }): Promise<void> {
    await this.call({ method: 'POST', path: `/devices/${id(deviceId)}/applyConfigurationContent`, body: content });
  }

  /** Messages from sequence number `from` on; with `waitSeconds`, waits that long for one when there is none yet. */
  async readMessages(from = 1, options: { limit?: number; waitSeconds?: number; signal?: AbortSignal } = {}): Promise<CloudMessage[]> {
    const query = new URLSearchParams({ from: String(from) });
    if (options.limit !== undefined) query.set('limit', String(options.limit));
    if (options.waitSeconds !== undefined) query.set('wait', String(options.waitSeconds));
    const timeoutMs = ((options.waitSeconds ?? 0) + 30) * 1000;
    return (await this.call({ method: 'GET', path: `/edgewise/messages?${query}`, timeoutMs, signal: options.signal })) as CloudMessage[];
  }

  /** Queues a cloud-to-device message (the emulator's extra: IoT Hub's own send is AMQP); resolves to its message id. */
  async sendCloudToDevice(deviceId: string, message: CloudToDeviceRequest): Promise<{ messageId: string }> {
    return (await this.call({ method: 'POST', path: `/edgewise/devices/${id(deviceId)}/messages`, body: message })) as { messageId: string };
  }

  private async call(call: ServiceCall): Promise<unknown> {
    try {
      return await serviceRequest(this.endpoint, call);
    } catch (error) {
      if (error instanceof EmulatorUnreachableError) throw new NoEmulatorError(this.folder);
      throw error;
    }
  }
}

function twinPath(deviceId: string, moduleId: string | undefined): string {
  return moduleId === undefined ? `/twins/${id(deviceId)}` : `/twins/${id(deviceId)}/modules/${id(moduleId)}`;
}
