// The peer: mosquitto 2 (Debian package) with persistence on, over TLS, holding the messages for
// a durable subscriber (clean session off, QoS 1) that is offline: the store-and-forward case.
//
// What "durable" means for mosquitto: the queue lives in memory, and with `persistence true` it is
// written to mosquitto.db only when the database is saved: at a clean shutdown, on SIGUSR1, and
// on autosave. `autosave_interval N` saves every N seconds (default 1800), or, with
// `autosave_on_changes true`, once N changes (queued messages, retained messages, subscription
// changes) have accumulated: `autosave_interval 1` with it is the most durable setting there is,
// and every save rewrites the whole database. The PUBACK never waits for a save, so a kill -9
// loses whatever arrived since the last one (man mosquitto.conf).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import tls from 'node:tls';
import mqtt from 'mqtt';
import { extent } from '../common/stats.mjs';
import { startLogged, stop, waitFor } from './processes.mjs';

export const AUTOSAVE = {
  /** Debian's packaged settings: persistence on, saved every 30 minutes and at shutdown. */
  periodic: ['autosave_interval 1800'],
  /** A save after every change: as durable as mosquitto gets. */
  'every-change': ['autosave_on_changes true', 'autosave_interval 1'],
};

export const SUBSCRIBER_ID = 'bench-durable-subscriber';
export const TOPIC_FILTER = 'devices/#';

export function findMosquitto() {
  for (const candidate of ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v mosquitto'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

function writeConfig(folder, port, certificates, autosave, extraLines) {
  const lines = [
    `listener ${port} 127.0.0.1`,
    `cafile ${certificates.ca}`,
    `certfile ${certificates.cert}`,
    `keyfile ${certificates.key}`,
    'allow_anonymous true',
    // The bench runs as root; staying root keeps the temporary folder private.
    'user root',
    'persistence true',
    `persistence_location ${folder}/`,
    'persistence_file mosquitto.db',
    ...AUTOSAVE[autosave],
    // The default (1000 per client) would drop messages silently beyond it: an outage queue needs no limit.
    'max_queued_messages 0',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    ...extraLines,
  ];
  const file = path.join(folder, 'mosquitto.conf');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

function acceptsTls(port, ca) {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => {
      socket.end();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Starts mosquitto on `folder` (its database survives between starts on the same folder); `extraLines` end its configuration (a bridge). */
export async function startMosquitto({ binary, folder, port, certificates, autosave, extraLines = [] }) {
  fs.mkdirSync(folder, { recursive: true });
  const config = writeConfig(folder, port, certificates, autosave, extraLines);
  const child = startLogged(binary, ['-c', config], path.join(folder, 'mosquitto.log'));
  const ca = fs.readFileSync(certificates.ca);
  try {
    await waitFor(`mosquitto on port ${port}`, async () => {
      if (child.exitCode !== null) throw new Error(`mosquitto exited ${child.exitCode}: ${fs.readFileSync(path.join(folder, 'mosquitto.log'), 'utf8').slice(-500)}`);
      return acceptsTls(port, ca);
    }, { timeoutMs: 20_000, everyMs: 50 });
  } catch (error) {
    await stop(child, 'SIGKILL');
    throw error;
  }
  return { child, pid: child.pid, url: `mqtts://127.0.0.1:${port}`, ca, stop: () => stop(child, 'SIGTERM'), kill: () => stop(child, 'SIGKILL') };
}

function connectSubscriber(broker) {
  const client = mqtt.connect(broker.url, { clientId: SUBSCRIBER_ID, clean: false, protocolVersion: 4, reconnectPeriod: 0, keepalive: 120, ca: broker.ca, rejectUnauthorized: true });
  // As the publishers (publisher.mjs): Nagle's algorithm must not hold back its PUBACKs.
  client.once('connect', () => client.stream.setNoDelay(true));
  return client;
}

/** Makes the durable session (clean=false, QoS 1 subscription) and leaves: from now on mosquitto queues for it. */
export async function registerDurableSubscriber(broker) {
  const client = connectSubscriber(broker);
  await new Promise((resolve, reject) => {
    client.once('connect', () => client.subscribe(TOPIC_FILTER, { qos: 1 }, (error) => (error ? reject(error) : resolve())));
    client.once('error', reject);
  });
  await new Promise((resolve) => client.end(false, {}, resolve));
}

/**
 * The durable subscriber, connected: notes when each benchmark message arrives. `received(tag)`:
 * Map "clientIndex:seq" → { arrivedAtMs, sentAtMs } (ms since the epoch) of that run's messages.
 */
export function connectCollector(broker) {
  const client = connectSubscriber(broker);
  const byTag = new Map();
  let lastAt = performance.now();
  client.on('message', (_topic, payload) => {
    lastAt = performance.now();
    const [tag, clientIndex, seq, sentAt] = payload.subarray(0, 96).toString('latin1').split(':', 4);
    if (seq === undefined) return;
    let received = byTag.get(tag);
    if (!received) byTag.set(tag, (received = new Map()));
    const key = `${clientIndex}:${seq}`;
    if (!received.has(key)) received.set(key, { arrivedAtMs: performance.timeOrigin + lastAt, sentAtMs: Number(sentAt) });
  });
  const ready = new Promise((resolve, reject) => {
    client.once('connect', resolve);
    client.once('error', reject);
  });
  return {
    ready,
    received: (tag) => byTag.get(tag) ?? new Map(),
    /** performance.now() of the last message of any kind. */
    get lastAt() {
      return lastAt;
    },
    close: () => new Promise((resolve) => client.end(false, {}, resolve)),
  };
}

/**
 * The subscriber comes back and takes its queue. Resolves once `expected` messages of the run
 * arrived, or nothing came for `quietMs` (then the rest was lost); MQTT.js acknowledges each.
 * Times are from `since` (performance.now(); default: now): `elapsedMs` to the last message of
 * the run (to the last of any kind when incomplete), `firstMs` and `lastMs` to its first and last.
 */
export async function drainDurableSubscriber(broker, { tag, expected, quietMs = 3_000, timeoutMs = 300_000, since = performance.now() }) {
  const collector = connectCollector(broker);
  await collector.ready;
  await new Promise((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      if (collector.received(tag).size >= expected || now - collector.lastAt > quietMs || now - since > timeoutMs) {
        clearInterval(timer);
        resolve();
      }
    }, 20);
  });
  await collector.close();
  const received = collector.received(tag);
  const arrivals = [...received.values()].map((r) => r.arrivedAtMs - performance.timeOrigin - since);
  const complete = received.size >= expected;
  const { min: firstMs, max: lastMs } = extent(arrivals);
  return { keys: new Set(received.keys()), elapsedMs: complete ? lastMs : collector.lastAt - since, firstMs, lastMs, complete };
}
