// A stand-in for IoT Hub's MQTT side whose every answer the test scripts: a real TLS listener on
// 127.0.0.1 (certificates made with the repo's ensureCertificates in a temp folder) that parses
// packets with mqtt-packet and hands each to the test, which decides what to answer. For what the
// emulator cannot be made to do: lose a PUBACK, withhold a SUBACK, send a C2D at a chosen moment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import type { AddressInfo } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { ensureCertificates } from '../../../../src/runtime/data-folder/certificates.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { UpstreamConnection, type UpstreamConnectionOptions } from '../../../../src/runtime/hub/upstream/upstream-connection.js';

export const ADDRESS = '127.0.0.1';

/** One accepted connection, numbered from 1 in accept order. */
export interface ScriptedSocket {
  number: number;
  send(packet: Packet): void;
  destroy(): void;
}

export type Script = (packet: Packet, socket: ScriptedSocket) => void;

export interface ScriptedCloud {
  port: number;
  ca: string;
  sockets: ScriptedSocket[];
  /** Every packet received, as `{connection number}:{cmd}`, in order. */
  received: string[];
  close(): Promise<void>;
}

/** Answers CONNECT with an accepted CONNACK (then shows it to `script`), PINGREQ with PINGRESP, and leaves the rest to `script`. */
export async function startScriptedCloud(script: Script): Promise<ScriptedCloud> {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-scripted-cloud-'));
  const certificates = ensureCertificates(folder, { address: ADDRESS, names: ['localhost'] });
  const sockets: ScriptedSocket[] = [];
  const received: string[] = [];
  const raw = new Set<TLSSocket>();
  const server: Server = createServer({ key: certificates.key, cert: certificates.cert }, (socket) => {
    raw.add(socket);
    socket.once('close', () => raw.delete(socket));
    const scripted: ScriptedSocket = {
      number: sockets.length + 1,
      send: (packet) => {
        if (socket.writable) socket.write(mqttPacket.generate(packet));
      },
      destroy: () => socket.destroy(),
    };
    sockets.push(scripted);
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => {
      received.push(`${scripted.number}:${packet.cmd}`);
      if (packet.cmd === 'connect') scripted.send({ cmd: 'connack', returnCode: 0, sessionPresent: false });
      if (packet.cmd === 'pingreq') return scripted.send({ cmd: 'pingresp' });
      script(packet, scripted);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('error', () => undefined);
  });
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, ADDRESS, () => resolve()));
  return {
    port: (server.address() as AddressInfo).port,
    ca: certificates.ca,
    sockets,
    received,
    close: async () => {
      for (const socket of raw) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** An UpstreamConnection to the scripted cloud, with short backoff and the given overrides. */
export function connectionTo(cloud: ScriptedCloud, identity: ClientIdentity, options: Partial<UpstreamConnectionOptions> = {}): UpstreamConnection {
  return new UpstreamConnection({
    identity,
    endpoint: { protocol: 'mqtts', host: ADDRESS, port: cloud.port, hostName: `${ADDRESS}:${cloud.port}`, ca: cloud.ca },
    key: () => Buffer.alloc(32, 1).toString('base64'),
    backoff: { minMs: 50, maxMs: 100 },
    timings: { keepaliveSeconds: 60, connectTimeoutMs: 10_000, tokenSeconds: 3600, renewalDrainMs: 200 },
    knownFilters: [],
    filterQos: () => 1,
    onPublish: () => undefined,
    onStateChange: () => undefined,
    log: () => undefined,
    ...options,
  });
}

/** Waits for a condition with a generous deadline: a busy machine is slow, not wrong. */
export async function until(what: string, condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** How a promise settled, without throwing: 'ok' or 'failed: …'. */
export function outcomeOf(promise: Promise<unknown>): Promise<string> {
  return promise.then(
    () => 'ok',
    (error: unknown) => `failed: ${(error as Error).message}`,
  );
}

/** The promise's value, or a clear failure once a generous deadline passed. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
