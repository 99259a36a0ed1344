// edgewise's edge hub as a peer the scenarios drive (see scenarios.mjs): `edgewise run` from the
// build, a fresh data folder per instance, publishers as child devices of the edge device
// (IoT Hub's dialect: SAS tokens, their own topics), the upstream cut so messages queue; the
// drain is `hub upstream restore`, timed until the hub's $upstream queue is empty (every entry
// acknowledged by the emulator), then the emulator's log says which messages arrived and when.
// With `cleanupIntervalMs` the hub runs from hub-process.mjs (startHub with that cleanup interval)
// instead of `edgewise run`.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { extent } from '../common/stats.mjs';
import { freePort, startLogged, stop, waitFor, sleep } from './processes.mjs';

const HUB_PROCESS = fileURLToPath(new URL('./hub-process.mjs', import.meta.url));

const STATUS_POLL_MS = 50;
/** Extra node options for the hub process, to profile it: EDGEWISE_BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'. */
const nodeArgs = () => (process.env.EDGEWISE_BENCH_HUB_NODE_ARGS ?? '').split(' ').filter(Boolean);
const STALL_MS = 60_000;

/**
 * `baseline`: another build of edgewise measured beside this one (EDGEWISE_BENCH_BASELINE_BUILD), named hub-baseline.
 * `cleanupIntervalMs`: the hub runs from hub-process.mjs with this expiry cleanup interval.
 */
export async function hubPeer({ root, emulator, sync, tempRoot, logFolder, manifest, baseline = false, cleanupIntervalMs }) {
  const dist = (file) => import(pathToFileURL(path.join(root, 'dist', file)).href);
  const { askHub } = await dist('runtime/hub/admin-client.js');
  const cloudCa = emulator.info.ca;
  let instances = 0;

  const clientsFor = (count) => emulator.clients(count);

  async function status(folder) {
    return askHub(folder, { command: 'status' });
  }

  async function upstreamDepth(folder) {
    const { queues } = await status(folder);
    return queues.filter((queue) => queue.endpoint === '$upstream').reduce((sum, queue) => sum + queue.depth, 0);
  }

  /** Waits until the $upstream queue is empty; gives up when it stops shrinking for a while. */
  async function drained(folder) {
    let last = Infinity;
    let lastProgressAt = Date.now();
    for (;;) {
      const depth = await upstreamDepth(folder);
      if (depth === 0) return;
      if (depth < last) {
        last = depth;
        lastProgressAt = Date.now();
      } else if (Date.now() - lastProgressAt > STALL_MS) {
        throw new Error(`the hub's $upstream queue stopped draining at ${depth} entries (no progress for ${STALL_MS / 1000} s)`);
      }
      await sleep(STATUS_POLL_MS);
    }
  }

  /** A child can connect once the hub's first scope sync is done (before it, children are refused). */
  async function childAccepted(url, ca) {
    const [client] = clientsFor(1);
    return new Promise((resolve) => {
      const probe = mqtt.connect(url, { clientId: client.clientId, username: client.username, password: client.password, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5_000, ca, rejectUnauthorized: true });
      let settled = false;
      const done = (accepted) => {
        if (settled) return;
        settled = true;
        resolve(accepted);
        probe.end(true);
      };
      probe.once('connect', () => done(true));
      probe.once('error', () => done(false));
      probe.once('close', () => done(false));
    });
  }

  return {
    name: `${baseline ? 'hub-baseline' : 'hub'}${sync ? '-sync' : ''}`,
    label: `${baseline ? `baseline build (${root}): ` : ''}${sync ? 'edgewise hub --sync (commit flushed to disk before PUBACK)' : 'edgewise hub (commit before PUBACK, no fsync)'}`,
    /**
     * A hub on a fresh data folder, its first scope sync done and its upstream cut; or, with
     * `folder`, on that folder of a stopped hub of this peer (it starts cut, as it was left).
     */
    async open({ folder: existing } = {}) {
      const folder = existing ?? fs.mkdtempSync(path.join(tempRoot, `h${instances++}-`));
      const logFile = path.join(logFolder, `${path.basename(folder)}.log`);
      const [mqttPort, httpsPort] = [await freePort(), await freePort()];
      const command = cleanupIntervalMs === undefined ? [path.join(root, 'bin/edgewise.js'), 'run'] : [HUB_PROCESS, '--build', root, '--cleanup-interval-ms', String(cleanupIntervalMs)];
      const args = [...nodeArgs(), ...command, manifest, '--connection-string', emulator.edgeConnectionString, '--data', folder,
        '--cloud-ca', cloudCa, '--cloud-https-port', String(emulator.info.https.port), '--address', '127.0.0.1', '--mqtt-port', String(mqttPort), '--https-port', String(httpsPort),
        ...(sync ? ['--sync'] : [])];
      let child;
      let info;
      const start = async () => {
        child = startLogged(process.execPath, args, logFile, { cwd: root });
        info = await waitFor('edgewise run (hub.json)', () => {
          if (child.exitCode !== null) throw new Error(`edgewise run exited ${child.exitCode}; see ${logFile}`);
          try {
            const written = JSON.parse(fs.readFileSync(path.join(folder, 'hub.json'), 'utf8'));
            return written.pid === child.pid ? written : undefined;
          } catch {
            return undefined;
          }
        }, { timeoutMs: 60_000 });
      };
      const cut = async () => {
        await askHub(folder, { command: 'upstream', action: 'cut' });
        await waitFor('upstream cut', async () => (await status(folder)).upstream === 'cut');
      };
      try {
        await start();
        const url = `mqtts://${info.mqtt.host}:${info.mqtt.port}`;
        const ca = fs.readFileSync(info.ca, 'utf8');
        await waitFor('the first scope sync (a child device accepted)', () => childAccepted(url, ca), { timeoutMs: 60_000, everyMs: 250 });
        await emulator.skipToEnd();
        if (existing === undefined) await cut();
        else await waitFor('the hub to start cut', async () => (await status(folder)).upstream === 'cut');
      } catch (error) {
        await stop(child, 'SIGKILL');
        if (existing === undefined) fs.rmSync(folder, { recursive: true, force: true });
        throw new Error(`${error.message}; the hub's log: ${logFile}`);
      }
      return {
        get pid() {
          return child.pid;
        },
        url: `mqtts://${info.mqtt.host}:${info.mqtt.port}`,
        ca: info.ca,
        folder,
        clients: clientsFor,
        /**
         * `upstream restore`, then until the $upstream queue is empty. `elapsedMs` is that; `firstMs`
         * and `lastMs` are when the emulator received the run's first and last message, from the restore.
         */
        async drain({ tag, expected }) {
          const start = performance.now();
          const restoredAt = performance.timeOrigin + start;
          await askHub(folder, { command: 'upstream', action: 'restore' });
          await drained(folder);
          const elapsedMs = performance.now() - start;
          await sleep(200);
          const arrivals = await emulator.readArrivals(tag);
          const { min, max } = extent([...arrivals.values()].map((a) => a.arrivedAtMs - restoredAt));
          return { keys: new Set(arrivals.keys()), elapsedMs, firstMs: min, lastMs: max, complete: arrivals.size >= expected };
        },
        /** Upstream connected (restored if cut). */
        async online() {
          if ((await status(folder)).upstream === 'cut') await askHub(folder, { command: 'upstream', action: 'restore' });
          await waitFor('the hub upstream connected', async () => (await status(folder)).upstream === 'connected', { timeoutMs: 60_000 });
        },
        /** When each message of the run reached the emulator (online): once the $upstream queue is empty. */
        async arrivals({ tag, expected }) {
          await drained(folder);
          await sleep(200);
          const arrivals = await emulator.readArrivals(tag);
          if (arrivals.size < expected) await sleep(2_000);
          return arrivals.size < expected ? new Map([...arrivals, ...(await emulator.readArrivals(tag))]) : arrivals;
        },
        /** The counters and queues of `edgewise hub status`. */
        status: () => status(folder),
        requeue: cut,
        kill: () => stop(child, 'SIGKILL'),
        /** SIGTERM; the folder stays (open({ folder }) starts a hub on it again). */
        stop: () => stop(child, 'SIGTERM'),
        async restart() {
          await start();
          await waitFor('the hub upstream after restart', async () => ['connected', 'cut'].includes((await status(folder)).upstream), { timeoutMs: 60_000 });
        },
        async close() {
          await stop(child, 'SIGTERM');
          fs.rmSync(folder, { recursive: true, force: true });
        },
      };
    },
  };
}
