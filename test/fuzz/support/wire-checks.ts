// The checks every wire test makes around an attack: the server process is still running, a
// well-behaved client that published all along got every PUBACK without a drop, and each of its
// messages reached the cloud (the emulator's telemetry log; from the hub, upstream); and logging
// in still works. Latencies are printed with the machine's load, never asserted.
import { loadavg } from 'node:os';
import { expect } from 'vitest';
import type { CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import { eventually, latencySummary, RawWireClient, sleep, SteadyPublisher, until, type SteadyReport } from './wire-clients.js';
import type { WireServer, WireWorld } from './wire-world.js';

/** The least a well-behaved client publishes around an attack. */
const MIN_STEADY_MESSAGES = 10;

export function loadAverage(): string {
  return loadavg()[0]!.toFixed(2);
}

/** Waits until a login of this identity is accepted (the hub answers 3, "come back", while it starts). */
export async function loginWorks(server: WireServer, clientId: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const client = await RawWireClient.open(server).catch(() => undefined);
    const code = client === undefined ? -1 : await client.login(server, clientId);
    client?.end();
    if (code === 0) return;
    if (Date.now() > deadline) throw new Error(`${server.name} still refuses ${clientId} (CONNACK ${code})`);
    await sleep(250);
  }
}

/** A connection logged in as this identity; throws when the login is refused. */
export async function loggedIn(server: WireServer, clientId: string): Promise<RawWireClient> {
  const client = await RawWireClient.open(server);
  const code = await client.login(server, clientId);
  if (code !== 0) throw new Error(`${server.name} refused the genuine login of ${clientId} (CONNACK ${code})`);
  return client;
}

/** The emulator's telemetry log as last read by arrivedInCloud(). */
export class CloudWatch {
  seen: CloudMessage[] = [];

  constructor(private readonly world: WireWorld) {}

  /** Whether every body is in the cloud's telemetry log (reads it again). */
  async arrived(bodies: readonly string[]): Promise<boolean> {
    this.seen = await this.world.cloudMessages();
    const present = new Set(this.seen.map((message) => message.body));
    return bodies.every((body) => present.has(body));
  }

  async waitFor(bodies: readonly string[], what: string): Promise<void> {
    await eventually(() => this.arrived(bodies), what, 60_000);
  }
}

/** Runs `work` while `clientId` publishes every 20 ms; then checks it saw every PUBACK and its messages reached the cloud. */
export async function whileSteadyPublishes(cloud: CloudWatch, server: WireServer, clientId: string, tag: string, work: () => Promise<void>): Promise<SteadyReport> {
  const publisher = await SteadyPublisher.start(server, clientId, tag);
  let report: SteadyReport;
  try {
    await work();
    // An attack over in a moment still overlaps a few of its messages.
    await until(() => publisher.progress.sent >= MIN_STEADY_MESSAGES || publisher.progress.drops > 0, 'the well-behaved client to publish');
  } finally {
    report = await publisher.stop();
  }
  console.log(`${server.name}, ${tag}: the well-behaved client sent ${report.sent}: ${latencySummary(report.latenciesMs)} (1-minute load ${loadAverage()})`);
  expect(server.alive(), `${server.name} is still running`).toBe(true);
  expect(report.drops, 'the well-behaved client was never dropped').toBe(0);
  expect(report.sent).toBeGreaterThan(0);
  expect(report.acknowledged, 'every PUBACK came').toBe(report.sent);
  await cloud.waitFor(report.bodies, `${server.name}: the well-behaved client's messages in the cloud`);
  return report;
}
