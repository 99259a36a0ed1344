// What the cloud sends down an identity's connection, handed to whoever listens for it: twin
// answers to the pending request, desired patches to the identity's listeners, direct-method
// requests to its handler (the answer goes back on `$iothub/methods/res/{status}/?$rid=`), and
// cloud-to-device messages to the device's receiver, acknowledged upstream only once it has
// delivered (docs/FACTS.md §5).
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { parsePropertyBag } from '../../iothub/property-bag.js';
import { classifyCloudPublish, methodResponseTopic } from './cloud-topics.js';
import type { InboundPublish } from './upstream-connection.js';
import { jsonObjectPayload as jsonObject } from '../../iothub/json-payload.js';

export interface CloudToDeviceMessage {
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
  body: Buffer;
}

export type MethodHandler = (name: string, payload: Buffer) => Promise<{ status: number; payload: Buffer }>;
export type DesiredListener = (patch: Record<string, unknown>, version: number) => void;
export type CloudToDeviceReceiver = (message: CloudToDeviceMessage) => Promise<void>;

export interface CloudInboundOptions {
  log(line: string): void;
  cloudToDeviceTimeoutMs: number;
  /** Publishes an answer at QoS 0 on the identity's connection. */
  respond(identity: ClientIdentity, topic: string, payload: Buffer): Promise<void>;
  twinAnswer(identity: ClientIdentity, rid: string, status: number, version: number | undefined, payload: Buffer): void;
}

export class CloudInbound {
  private readonly desired = new Map<string, Set<DesiredListener>>();
  private readonly methods = new Map<string, MethodHandler>();
  private readonly receivers = new Map<string, CloudToDeviceReceiver>();
  /** Devices whose connection holds a cloud-to-device message it did not acknowledge. */
  private readonly unacknowledged = new Set<string>();

  constructor(private readonly options: CloudInboundOptions) {}

  /** Adds a listener; the returned function removes it and says whether it was the last one. */
  addDesired(identity: ClientIdentity, listener: DesiredListener): () => boolean {
    const key = identityKey(identity);
    const listeners = this.desired.get(key) ?? new Set();
    listeners.add(listener);
    this.desired.set(key, listeners);
    return () => {
      if (!listeners.delete(listener)) return false;
      if (listeners.size > 0) return false;
      if (this.desired.get(key) === listeners) this.desired.delete(key);
      return true;
    };
  }

  /** One handler per identity (the latest wins); the returned function removes it if still current. */
  setMethodHandler(identity: ClientIdentity, handler: MethodHandler): () => boolean {
    const key = identityKey(identity);
    this.methods.set(key, handler);
    return () => this.methods.get(key) === handler && this.methods.delete(key);
  }

  /** One receiver per device; `redeliver` says a message was left unacknowledged and a new connection brings it again. */
  setCloudToDevice(deviceId: string, receiver: CloudToDeviceReceiver): { off: () => boolean; redeliver: boolean } {
    this.receivers.set(deviceId, receiver);
    const redeliver = this.unacknowledged.delete(deviceId);
    return { off: () => this.receivers.get(deviceId) === receiver && this.receivers.delete(deviceId), redeliver };
  }

  listens(identity: ClientIdentity): boolean {
    const key = identityKey(identity);
    if ((this.desired.get(key)?.size ?? 0) > 0 || this.methods.has(key)) return true;
    return identity.moduleId === undefined && this.receivers.has(identity.deviceId);
  }

  /** For QoS 1 (cloud-to-device), the returned promise decides the PUBACK. */
  dispatch(identity: ClientIdentity, message: InboundPublish): Promise<void> | void {
    const publish = classifyCloudPublish(message.topic, identity);
    switch (publish?.kind) {
      case 'twin-response':
        return this.options.twinAnswer(identity, publish.rid, publish.status, publish.version, message.payload);
      case 'desired-patch':
        return this.onDesired(identity, publish.version, message.payload);
      case 'method-request':
        return void this.onMethod(identity, publish.name, publish.rid, message.payload);
      case 'cloud-to-device':
        return this.onCloudToDevice(identity.deviceId, publish.bag, message.payload);
      default:
        this.options.log(`upstream ${identityKey(identity)}: ignored a message from the cloud on ${JSON.stringify(message.topic.slice(0, 200))}`);
    }
  }

  private onDesired(identity: ClientIdentity, topicVersion: number | undefined, payload: Buffer): void {
    const patch = jsonObject(payload);
    if (patch === undefined) return this.options.log(`upstream ${identityKey(identity)}: ignored a desired patch that is not a JSON object`);
    const bodyVersion = typeof patch.$version === 'number' ? patch.$version : undefined;
    const version = topicVersion ?? bodyVersion ?? 0;
    for (const listener of [...(this.desired.get(identityKey(identity)) ?? [])]) {
      try {
        listener(patch, version);
      } catch (error) {
        this.options.log(`upstream ${identityKey(identity)}: a desired-patch listener failed (${(error as Error).message})`);
      }
    }
  }

  private async onMethod(identity: ClientIdentity, name: string, rid: string, payload: Buffer): Promise<void> {
    const handler = this.methods.get(identityKey(identity));
    let answer: { status: number; payload: Buffer };
    if (handler === undefined) {
      answer = { status: 404, payload: Buffer.from(JSON.stringify({ message: `${identityKey(identity)} is not connected to the edge hub` })) };
    } else {
      try {
        answer = await handler(name, payload);
      } catch (error) {
        answer = { status: 500, payload: Buffer.from(JSON.stringify({ message: `the method ${name} failed at the edge hub: ${(error as Error).message}` })) };
      }
    }
    await this.options.respond(identity, methodResponseTopic(answer.status, rid), answer.payload).catch((error: unknown) => {
      this.options.log(`upstream ${identityKey(identity)}: the answer to method ${name} was lost (${(error as Error).message})`);
    });
  }

  private async onCloudToDevice(deviceId: string, bagText: string, body: Buffer): Promise<void> {
    const receiver = this.receivers.get(deviceId);
    if (receiver === undefined) {
      // Not acknowledged: the cloud keeps it and sends it again when the device is back.
      this.unacknowledged.add(deviceId);
      throw new Error(`${deviceId} is not connected to receive it`);
    }
    const bag = parsePropertyBag(bagText);
    if (bag === undefined) {
      // Acknowledged and dropped: the cloud would send the same unreadable message forever.
      this.options.log(`upstream ${deviceId}: dropped a cloud-to-device message whose property bag is not valid percent-encoding`);
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${deviceId} did not acknowledge it within ${this.options.cloudToDeviceTimeoutMs / 1000} s`)), this.options.cloudToDeviceTimeoutMs);
    });
    try {
      await Promise.race([receiver({ properties: bag.properties, systemProperties: bag.systemProperties, body }), timeout]);
    } catch (error) {
      this.unacknowledged.add(deviceId);
      this.options.log(`upstream ${deviceId}: a cloud-to-device message was not delivered (${(error as Error).message}); the cloud sends it again`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }
}

