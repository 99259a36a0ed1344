// What the MQTT tests share: a real store in a temp folder, real certificates, the MQTT server on
// a port the OS chooses, connection strings the official device SDK reads unchanged (open clients
// with sdk-clients.ts), and a raw MQTT client (mqtt-packet over TLS) for what the SDK never sends:
// foreign topics, broken packets.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { ensureCertificates } from '../../../src/runtime/data-folder/certificates.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { CloudToDeviceQueue } from '../../../src/runtime/cloud/cloud-to-device-queue.js';
import { IdentityRegistry } from '../../../src/runtime/cloud/identities.js';
import { startMqttServer, type MqttServer } from '../../../src/runtime/cloud/mqtt/mqtt-server.js';
import { signSasToken } from '../../../src/runtime/iothub/sas.js';
import { TelemetryLog } from '../../../src/runtime/cloud/telemetry-log.js';
import { TwinStore } from '../../../src/runtime/cloud/twins.js';
import { openCloudStore, type CloudStore } from '../../../src/runtime/store/open-store.js';
import { PacketInbox } from '../../support/packet-inbox.js';
import { nowSeconds } from './sdk-clients.js';

export const ADDRESS = '127.0.0.1';

export interface Hub {
  store: CloudStore;
  registry: IdentityRegistry;
  twins: TwinStore;
  telemetry: TelemetryLog;
  cloudToDevice: CloudToDeviceQueue;
  server: MqttServer;
  /** What the server said when it refused a CONNECT or closed a connection. */
  refusals: { clientId: string; reason: string }[];
  ca: string;
  /** What connection strings say: the address and the port the OS chose. */
  hostName: string;
  connectionString(deviceId: string, moduleId?: string): string;
  /** A token for this identity signed with its primary key, expiring at `expiresAtSeconds`. */
  token(deviceId: string, moduleId: string | undefined, expiresAtSeconds: number, audienceHost?: string): string;
  close(): Promise<void>;
}

export async function startHub(): Promise<Hub> {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-mqtt-'));
  const certificates = ensureCertificates(join(folder, 'certs'), { address: ADDRESS, names: ['localhost'] });
  const store = openCloudStore(join(folder, 'data'));
  const registry = new IdentityRegistry(store);
  const twins = new TwinStore(store);
  const telemetry = new TelemetryLog(store);
  const cloudToDevice = new CloudToDeviceQueue(store, registry);
  const refusals: Hub['refusals'] = [];
  const server = await startMqttServer({
    host: ADDRESS,
    port: 0,
    tls: { key: certificates.key, cert: certificates.cert },
    hostName: 'local-hub',
    registry,
    twins,
    telemetry,
    cloudToDevice,
    onRefusal: (clientId, reason) => refusals.push({ clientId, reason }),
  });
  const hostName = `${ADDRESS}:${server.port}`;
  const keyOf = (deviceId: string, moduleId?: string): string => {
    const identity = moduleId === undefined ? registry.getDevice(deviceId) : registry.getModule(deviceId, moduleId);
    return identity!.authentication.symmetricKey.primaryKey;
  };
  return {
    store,
    registry,
    twins,
    telemetry,
    cloudToDevice,
    server,
    refusals,
    ca: certificates.ca,
    hostName,
    connectionString: (deviceId, moduleId) => deviceConnectionString(hostName, deviceId, keyOf(deviceId, moduleId), moduleId),
    token: (deviceId, moduleId, expiresAtSeconds, audienceHost = hostName) =>
      signSasToken(`${audienceHost}/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`, keyOf(deviceId, moduleId), expiresAtSeconds),
    close: async () => {
      await server.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A bare MQTT 3.1.1 client: sends what it is told and records what comes back. */
export class RawClient {
  private readonly inbox: PacketInbox;
  readonly received: Packet[];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: TLSSocket) {
    this.inbox = new PacketInbox(socket);
    this.received = this.inbox.received;
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(hub: Hub): Promise<RawClient> {
    const socket = connect({ host: ADDRESS, port: hub.server.port, ca: hub.ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects as this identity with a valid token; resolves with the CONNACK return code. */
  async login(hub: Hub, deviceId: string, moduleId?: string, options: { clean?: boolean; keepalive?: number } = {}): Promise<number> {
    const clientId = moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`;
    this.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId,
      clean: options.clean ?? false,
      keepalive: options.keepalive ?? 60,
      username: `${hub.hostName}/${clientId}/?api-version=2021-04-12`,
      password: Buffer.from(hub.token(deviceId, moduleId, nowSeconds() + 3600)),
    });
    const connack = await this.next('connack');
    return connack?.cmd === 'connack' ? (connack.returnCode ?? -1) : -1;
  }

  send(packet: Packet): void {
    this.socket.write(mqttPacket.generate(packet));
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next packet of this kind not yet taken, or undefined once the socket closed. */
  next(cmd: Packet['cmd']): Promise<Packet | undefined> {
    return this.inbox.next(cmd, () => this.socket.destroyed || this.socket.readableEnded);
  }

  end(): void {
    this.socket.destroy();
  }
}

/** A hub with the identities most tests use: the device `sensor`, and the module `filter` on the device `gateway`. */
export async function startHubWithSensorAndGateway(): Promise<Hub> {
  const hub = await startHub();
  await hub.registry.createDevice({ deviceId: 'sensor' });
  await hub.registry.createDevice({ deviceId: 'gateway' });
  await hub.registry.createModule({ deviceId: 'gateway', moduleId: 'filter' });
  return hub;
}
