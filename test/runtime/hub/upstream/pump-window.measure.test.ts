// A measurement, not a check: how fast the pump drains 10,000 queued messages from two identities
// to the emulator with different windows (messages in flight per identity). It runs only with
// EDGEWISE_MEASURE=1 and prints a table; the pump's DEFAULT_WINDOW cites its result. Otherwise it
// is skipped, and says so and why on stdout (no silent skips).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { newCounters, UPSTREAM_ENDPOINT } from '../../../../src/runtime/hub/hub-types.js';
import { UpstreamPump } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import { openHubStore } from '../../../../src/runtime/store/hub-store.js';
import { CHILD, hubMessage, MODULE, startUpstreamWorld, waitFor } from './upstream-support.js';

const WINDOWS = (process.env.EDGEWISE_WINDOWS ?? "1,10,50,200").split(",").map(Number);
const ROUNDS = 3;
const PER_IDENTITY = 5000;

const MEASURE = process.env.EDGEWISE_MEASURE === '1';
const NOT_MEASURED = 'a measurement, not a check (it drains 10,000 messages 12 times, minutes on a busy machine): set EDGEWISE_MEASURE=1 to measure the pump window and print its table';

describe('pump window (measurement)', () => {
  it('drains 10,000 messages from two identities', { timeout: 600_000 }, async (context) => {
    if (!MEASURE) {
      process.stdout.write(`pump-window.measure.test.ts skipped: ${NOT_MEASURED}\n`);
      context.skip(NOT_MEASURED);
    }
    const results = new Map<number, number[]>(WINDOWS.map((window) => [window, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      // Interleaved: each round measures every window once, so load drift hits all alike.
      for (const window of WINDOWS) results.get(window)!.push(await drainRate(window));
    }
    const rows = WINDOWS.map((window) => {
      const rates = results.get(window)!.sort((a, b) => a - b);
      return `| ${window} | ${rates[Math.floor(rates.length / 2)]!.toFixed(0)} | ${rates[0]!.toFixed(0)}–${rates.at(-1)!.toFixed(0)} |`;
    });
    console.log(['| window | median msg/s | min–max |', '|---|---|---|', ...rows].join('\n'), '\nloadavg', (await import('node:fs')).readFileSync('/proc/loadavg', 'utf8'));
  });
});

async function drainRate(window: number): Promise<number> {
  const world = await startUpstreamWorld();
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-pump-measure-'));
  const store = openHubStore(folder);
  try {
    const { link } = world.openLink();
    await waitFor('connected', () => link.state === 'connected');
    link.cut();
    const appends: Promise<void>[] = [];
    for (let index = 0; index < PER_IDENTITY; index += 1) {
      appends.push(store.messages.append(hubMessage(MODULE, `m-${index}`.padEnd(200, '.')), [{ endpoint: UPSTREAM_ENDPOINT, priority: 0, ttlSeconds: -1 }]));
      appends.push(store.messages.append(hubMessage(CHILD, `c-${index}`.padEnd(200, '.')), [{ endpoint: UPSTREAM_ENDPOINT, priority: 0, ttlSeconds: -1 }]));
    }
    await Promise.all(appends);
    const counters = newCounters();
    const pump = new UpstreamPump({ store: store.messages, link, counters, windowPerIdentity: window });
    pump.start();
    link.restore();
    const started = performance.now();
    await waitFor('drained', () => counters.delivered === 2 * PER_IDENTITY, 300_000);
    const rate = (2 * PER_IDENTITY) / ((performance.now() - started) / 1000);
    await pump.stop();
    return rate;
  } finally {
    await world.close();
    await store.close();
    rmSync(folder, { recursive: true, force: true });
  }
}
