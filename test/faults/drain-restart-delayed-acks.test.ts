// Fault: during a drain (the hub, startHub in-process, sending what it stored during an outage)
// the emulator is restarted 3 times (EDGEWISE_FAULT_RUNS=N for N restarts; EDGEWISE_FAULT_SEED
// replays another schedule), and every byte the emulator sends the hub (CONNACKs, SUBACKs,
// PUBACKs) is held by a proxy for a seeded random 0–500 ms per chunk, order kept, so
// acknowledgements arrive late. At a restart the acknowledgements still held either arrive before
// the connection closes (as on a slow link) or, at a seeded half of the restarts, are lost with
// it (the proxy resets the connections as the emulator stops).
// Load: two child devices store 500 × (restarts + 1) messages each (2,000 in CI; MQTT.js, QoS 1)
// while the upstream is cut (`hub.cut()`); the restarts come as the emulator holds 1/(N+1),
// 2/(N+1) … of them, each stopped for a seeded 0.2–1.5 s.
// Checked: every message reaches the emulator; per identity, first arrivals keep the send order; a
// message arrives twice only if a restart came between its first arrival and the copy; at most a
// pump window per identity is sent again per restart (delivery-check.ts, and in all); the
// `$upstream` queue empties.
import { describe, expect, it } from 'vitest';
import { DEFAULT_WINDOW } from '../../src/runtime/hub/upstream/upstream-pump.js';
import { upstreamDepth } from '../runtime/hub/assembly/hub-support.js';
import { seededRandom } from '../support/seeded-random.js';
import { waitFor } from '../support/wait-for.js';
import { AckedPublisher } from './support/acked-publisher.js';
import { arrivalsOf, checkDelivery, RESENDS_AFTER_LINK_FAULT } from './support/delivery-check.js';
import { between, faultRuns, faultSeed, sleep } from './support/fault-settings.js';
import { hubConnector } from './support/hub-connector.js';
import { proxiedHubForThisFile } from './support/proxied-hub.js';

const RESTARTS = faultRuns(3);
const SEED = faultSeed(16_003);
const PER_IDENTITY = 500 * (RESTARTS + 1);
const CLOUD_ADDRESS = '127.0.19.30';
const PROXY_ADDRESS = '127.0.19.31';
const HUB_ADDRESS = '127.0.19.32';
const CHILDREN = ['drain-a', 'drain-b'];
const RUN = 'drain';

const setup = proxiedHubForThisFile();
const { proxies, publishers } = setup;

describe(`a drain with acknowledgements delayed 0–500 ms and the emulator restarted ${RESTARTS} times (EDGEWISE_FAULT_RUNS=N for N restarts; seed ${SEED})`, () => {
  it('delivers every stored message, first arrivals in order, duplicates only of what a restart left unacknowledged', async () => {
    const random = seededRandom(SEED);
    const { cloud: world, hub: running } = await setup.start({ cloudAddress: CLOUD_ADDRESS, proxyAddress: PROXY_ADDRESS, hubAddress: HUB_ADDRESS, children: CHILDREN, folderPrefix: 'edgewise-faults-drain-' });

    // The outage: both children store their messages; nothing goes up.
    await running.cut();
    for (const deviceId of CHILDREN) {
      publishers.push(new AckedPublisher({ deviceId, connect: hubConnector(() => running.info, deviceId, world.keys.get(deviceId)!), window: 50, limit: PER_IDENTITY, properties: { run: RUN } }));
    }
    for (const publisher of publishers) publisher.start();
    await Promise.all(publishers.map((publisher) => publisher.waitUntil(`${PER_IDENTITY} PUBACKs`, () => publisher.ackedCount === PER_IDENTITY, 60_000)));
    await Promise.all(publishers.map((publisher) => publisher.stop()));
    const records = publishers.map((publisher) => publisher.record);
    const total = CHILDREN.length * PER_IDENTITY;
    expect(upstreamDepth(running.status())).toBe(total);

    // The drain, over a slow link, with the emulator going away and coming back.
    proxies[0]!.delayServerBytes(() => between(random, 0, 500));
    await running.restore();
    const restarts: number[] = [];
    let lost = 0;
    for (let restart = 1; restart <= RESTARTS; restart++) {
      const reach = Math.floor((total * restart) / (RESTARTS + 1));
      await waitFor(`${reach} messages at the emulator`, async () => (await world.messages()).length >= reach, 60_000);
      const acknowledgementsLost = random() < 0.5;
      restarts.push(Date.now());
      if (acknowledgementsLost) for (const proxy of proxies) proxy.cut();
      await world.stop();
      for (const proxy of proxies) proxy.restore();
      lost += acknowledgementsLost ? 1 : 0;
      await sleep(between(random, 200, 1500));
      await world.start();
    }

    await waitFor('the $upstream queue to empty', () => upstreamDepth(running.status()) === 0, 60_000 + total * 10);
    const arrivals = arrivalsOf(await world.messages(), RUN);
    const verdict = checkDelivery(records, arrivals, { upstreamFaultsMs: restarts });
    console.log(`drain-restart-delayed-acks: seed ${SEED}, ${RESTARTS} restarts (${lost} losing the acknowledgements held); ${total} stored, ${verdict.arrivals} arrived, ${verdict.duplicates} duplicates (${verdict.neededResendsPerFault} per identity per restart needed of ${RESENDS_AFTER_LINK_FAULT} allowed); ${proxies[0]!.accepted} MQTT connections through the proxy`);
    expect(verdict.violations.slice(0, 20)).toEqual([]);
    expect(verdict.duplicates).toBeLessThanOrEqual(RESTARTS * CHILDREN.length * DEFAULT_WINDOW);
  }, 90_000 + RESTARTS * 20_000);
});
