// Fault: `edgewise run` (a real child process, bin/edgewise.js) killed with SIGKILL at random
// moments during ingest, then started again on the same data folder; 8 kills in CI,
// EDGEWISE_FAULT_RUNS=50 for the 50 (EDGEWISE_FAULT_SEED replays another schedule).
// Injected: each life waits until both publishers had a message acknowledged in it, then a seeded
// random 0–1000 ms, then SIGKILL; a seeded quarter of the lives run with --sync. During the first
// half of the kills the upstream is cut (`hub upstream cut`, which outlasts a restart), so a kill
// hits ingest alone; during the second half it is restored, so a kill also hits the drain.
// Load: two child devices (MQTT.js, QoS 1, 32 PUBLISHes in flight each, as fast as the hub
// acknowledges) reconnect after each kill and first resend what had no PUBACK, as the SDK does.
// Checked: every acknowledged message reaches the emulator; per identity, first arrivals keep the
// send order; a message arrives twice only if it was in flight (no PUBACK) at a kill, or (second
// half) a kill came between its first arrival and the copy, at most RESENDS_AFTER_KILL (200) such
// copies per identity per kill (delivery-check.ts); every kill cut both publishers and
// nothing else did; the `$upstream` queue empties; the last life stops on SIGTERM with exit 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { askHub } from '../../src/runtime/hub/admin-client.js';
import type { HubInfo, HubStatus } from '../../src/runtime/hub/start-hub.js';
import { hubManifest, STANDARD_ROUTES, upstreamDepth, writeManifest } from '../runtime/hub/assembly/hub-support.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitFor } from '../support/wait-for.js';
import { AckedPublisher } from './support/acked-publisher.js';
import { arrivalsOf, checkDelivery, RESENDS_AFTER_KILL } from './support/delivery-check.js';
import { killLife, startEdgewiseRun, type HubLife } from './support/edgewise-run.js';
import { startFaultCloud, type FaultCloud } from './support/fault-cloud.js';
import { between, faultRuns, faultSeed, sleep } from './support/fault-settings.js';
import { hubConnector } from './support/hub-connector.js';
import { printHubLogOnFailure } from './support/hub-log-on-failure.js';

const KILLS = faultRuns(8);
const SEED = faultSeed(16_001);
const CLOUD_ADDRESS = '127.0.19.10';
const HUB_ADDRESS = '127.0.19.11';
const CHILDREN = ['kill-a', 'kill-b'];
const RUN = 'sigkill';

let cloud: FaultCloud | undefined;
let life: HubLife | undefined;
const publishers: AckedPublisher[] = [];
const folder = mkdtempSync(join(tmpdir(), 'edgewise-faults-sigkill-'));

printHubLogOnFailure(() => (life?.log() ?? '').split('\n'));

afterAll(async () => {
  await Promise.all(publishers.map((publisher) => publisher.abandon()));
  await killLife(life);
  await cloud?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function status(data: string): Promise<HubStatus> {
  return (await askHub(data, { command: 'status' })) as HubStatus;
}

describe(`edgewise run killed with SIGKILL ${KILLS} times during ingest (EDGEWISE_FAULT_RUNS=50 for the issue's 50; seed ${SEED})`, () => {
  it('delivers every acknowledged message after the restarts, first arrivals in order, duplicates only of messages in flight at a kill', async () => {
    const random = seededRandom(SEED);
    const world = await startFaultCloud({ address: CLOUD_ADDRESS, children: CHILDREN });
    cloud = world;
    const data = join(folder, 'hub');
    const manifest = writeManifest(folder, hubManifest(STANDARD_ROUTES));
    let current: HubInfo | undefined;
    const lives: { sync: boolean; startMs: number }[] = [];
    const run = async (sync: boolean): Promise<HubLife> => {
      const started = Date.now();
      const next = await startEdgewiseRun({ manifest, data, address: HUB_ADDRESS, connectionString: world.edgeConnectionString, cloudCa: world.running.info.ca, cloudHttpsPort: world.httpsPort, sync });
      lives.push({ sync, startMs: Date.now() - started });
      current = next.info;
      return next;
    };

    // The first life syncs the device scope (children then authenticate from the cache), then the upstream is cut.
    life = await run(false);
    await waitFor('the upstream to connect', async () => (await status(data)).upstream === 'connected', 30_000);
    const probe = await waitFor('a child to be known to the hub', () => hubConnector(() => current, CHILDREN[0]!, world.keys.get(CHILDREN[0]!)!)().catch(() => undefined), 30_000);
    await probe.endAsync();
    await askHub(data, { command: 'upstream', action: 'cut' });

    for (const deviceId of CHILDREN) {
      publishers.push(new AckedPublisher({ deviceId, connect: hubConnector(() => current, deviceId, world.keys.get(deviceId)!), window: 32, properties: { run: RUN } }));
    }
    for (const publisher of publishers) publisher.start();

    // The first half of the kills hit ingest alone (upstream cut); the second half ingest and the
    // drain to the emulator at once, where a kill may also lose the store's record of an upstream PUBACK.
    const cutKills = Math.ceil(KILLS / 2);
    const killsWhileDraining: number[] = [];
    for (let kill = 1; kill <= KILLS; kill++) {
      if (kill === cutKills + 1) await askHub(data, { command: 'upstream', action: 'restore' });
      const before = publishers.map((publisher) => publisher.ackedCount);
      await Promise.all(publishers.map((publisher, index) => publisher.waitUntil('a PUBACK in this life', () => publisher.ackedCount > before[index]!)));
      await sleep(between(random, 0, 1000));
      if (kill > cutKills) killsWhileDraining.push(Date.now());
      life.child.kill('SIGKILL');
      current = undefined;
      expect(await life.exited).toMatchObject({ signal: 'SIGKILL' });
      life = await run(random() < 0.25);
    }
    if (KILLS === cutKills) await askHub(data, { command: 'upstream', action: 'restore' });
    // The last life: the publishers resend what the last kill left in flight, then stop.
    const before = publishers.map((publisher) => publisher.ackedCount);
    await Promise.all(publishers.map((publisher, index) => publisher.waitUntil('a PUBACK in the last life', () => publisher.ackedCount > before[index]!)));
    await Promise.all(publishers.map((publisher) => publisher.stop()));
    const records = publishers.map((publisher) => publisher.record);
    const acked = records.reduce((sum, record) => sum + record.acked.length, 0);

    await waitFor('the $upstream queue to empty', async () => upstreamDepth(await status(data)) === 0, 60_000 + acked);
    const arrivals = arrivalsOf(await world.messages(), RUN);
    const verdict = checkDelivery(records, arrivals, { upstreamFaultsMs: killsWhileDraining, resendsPerFault: RESENDS_AFTER_KILL });
    const inFlight = records.reduce((sum, record) => sum + record.inFlightAtFault.size, 0);
    const starts = lives.map((one) => one.startMs).sort((a, b) => a - b);
    console.log(
      `hub-sigkill: seed ${SEED}, ${KILLS} kills; ${acked} acknowledged, ${inFlight} in flight at a kill, ${verdict.arrivals} arrived, ${verdict.duplicates} duplicates (${verdict.explainedByDevice} of messages in flight from a device, ${verdict.explainedByUpstream} sent up again after a kill, ${verdict.neededResendsPerFault} per identity per kill needed of ${RESENDS_AFTER_KILL} allowed); ` +
        `${lives.length} lives (${lives.filter((one) => one.sync).length} with --sync), listening after ${starts[Math.floor(starts.length / 2)]} ms (median; ${starts[0]}–${starts[starts.length - 1]})`,
    );
    expect(verdict.violations.slice(0, 20)).toEqual([]);
    // Each kill cut both publishers' connections (they had a PUBACK in that life), and nothing else did.
    expect(records.map((record) => record.losses)).toEqual(CHILDREN.map(() => KILLS));

    life.child.kill('SIGTERM');
    expect(await life.exited).toMatchObject({ code: 0 });
  }, 90_000 + KILLS * 6_000);
});
