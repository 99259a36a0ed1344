// What the upstream tests share: the emulator (edgewise cloud) started in-process on ports the OS
// chooses, an edge device with a module and a child device registered through its REST API, the
// keys the hub signs with, a link against it, and waiting helpers with generous deadlines.
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { identityKey } from '../../../../src/runtime/iothub/client-identity.js';
import type { HubMessage, UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import { createUpstreamLink, type UpstreamLink, type UpstreamOptions } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import type { CloudMessage } from '../../../../src/runtime/cloud/service-client.js';
import { startCloud } from '../../../../src/runtime/cloud/cloud-server.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

export const EDGE = 'edge-1';
export const MODULE: ClientIdentity = { deviceId: EDGE, moduleId: 'filter' };
export const CHILD: ClientIdentity = { deviceId: 'child-1' };
export const EDGE_HUB: ClientIdentity = { deviceId: EDGE, moduleId: '$edgeHub' };

export interface UpstreamWorld {
  cloud: TestCloud;
  /** identityKey → primary key, as the identity cache would give it. */
  keys: Map<string, string>;
  /** HostName as the edge device's connection string writes it: address:mqtt port. */
  hostName: string;
  links: UpstreamLink[];
  openLink(options?: Partial<UpstreamOptions>): { link: UpstreamLink; states: UpstreamState[]; logs: string[] };
  /** Stops the emulator, keeping its folder (the link sees it go away). */
  stopCloud(): Promise<void>;
  /** Starts it again on the same folder and ports. */
  startCloudAgain(): Promise<void>;
  close(): Promise<void>;
}

/** The emulator with EDGE (an edge device: its $edgeHub module comes with it), MODULE and CHILD. */
export async function startUpstreamWorld(extra: ClientIdentity[] = []): Promise<UpstreamWorld> {
  const cloud = await startTestCloud();
  const keys = new Map<string, string>();
  const edge = await cloud.client.createDevice(EDGE, { edge: true });
  keys.set(EDGE, edge.authentication.symmetricKey.primaryKey);
  await cloud.client.createModule(EDGE, MODULE.moduleId!);
  const child = await cloud.client.createDevice(CHILD.deviceId, { parent: edge });
  keys.set(CHILD.deviceId, child.authentication.symmetricKey.primaryKey);
  for (const identity of extra) {
    if (identity.moduleId === undefined) keys.set(identity.deviceId, (await cloud.client.createDevice(identity.deviceId, { parent: edge })).authentication.symmetricKey.primaryKey);
    else await cloud.client.createModule(identity.deviceId, identity.moduleId);
  }
  for (const module of await cloud.client.listModules(EDGE)) keys.set(`${EDGE}/${module.moduleId}`, module.authentication.symmetricKey.primaryKey);
  const hostName = `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`;
  const links: UpstreamLink[] = [];
  return {
    cloud,
    keys,
    hostName,
    links,
    openLink: (options = {}) => {
      const states: UpstreamState[] = [];
      const logs: string[] = [];
      const link = createUpstreamLink(EDGE, {
        hostName,
        protocol: 'Mqtt',
        ca: cloud.ca,
        keyOf: (identity) => keys.get(identityKey(identity)),
        backoff: { minMs: 50, maxMs: 500 },
        log: (line) => logs.push(line),
        ...options,
      });
      link.onStateChange((state) => states.push(state));
      links.push(link);
      return { link, states, logs };
    },
    stopCloud: () => cloud.running.close(),
    startCloudAgain: async () => {
      const { mqtt, https } = cloud.running.info;
      cloud.running = await startCloud({ dataFolder: cloud.folder, mqttPort: mqtt.port, httpsPort: https.port });
    },
    close: async () => {
      await Promise.all(links.map((link) => link.close()));
      await cloud.running.close();
      await cloud.close();
    },
  };
}

/** Polls until the condition holds; fails with `what` after the deadline (generous: the machine is busy). */
export async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  await pollUntil(what, condition, timeoutMs);
}

/** Every message the emulator has received from sequence number `from` on. */
export async function cloudMessages(cloud: TestCloud, from = 1): Promise<CloudMessage[]> {
  const all: CloudMessage[] = [];
  for (let next = from; ; ) {
    const page = await cloud.client.readMessages(next, { limit: 1000 });
    all.push(...page);
    if (page.length < 1000) return all;
    next = page[page.length - 1]!.sequenceNumber + 1;
  }
}

/** Waits until the emulator holds at least `count` messages; returns them. */
export async function waitForCloudMessages(cloud: TestCloud, count: number, timeoutMs = 20_000): Promise<CloudMessage[]> {
  let messages: CloudMessage[] = [];
  await waitFor(`${count} messages at the emulator`, async () => (messages = await cloudMessages(cloud)).length >= count, timeoutMs);
  return messages;
}

export function hubMessage(source: ClientIdentity, body: string, extra: Partial<HubMessage> = {}): HubMessage {
  return { source, properties: {}, systemProperties: {}, body: Buffer.from(body), enqueuedAtMs: Date.now(), ...extra };
}
