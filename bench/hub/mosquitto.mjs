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
import { messageKey } from './message-body.mjs';
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

function writeConfig(folder, port, certificates, autosave) {
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

/** Starts mosquitto on `folder` (its database survives between starts on the same folder). */
export async function startMosquitto({ binary, folder, port, certificates, autosave }) {
  fs.mkdirSync(folder, { recursive: true });
  const config = writeConfig(folder, port, certificates, autosave);
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
 * The subscriber comes back and takes its queue. Resolves once `expected` messages of the run
 * arrived, or nothing came for `quietMs` (then the rest was lost); MQTT.js acknowledges each.
 */
export function drainDurableSubscriber(broker, { tag, expected, quietMs = 3_000, timeoutMs = 300_000 }) {
  const keys = new Set();
  const start = performance.now();
  let lastAt = start;
  let lastKeyAt = start;
  const client = connectSubscriber(broker);
  client.on('message', (_topic, payload) => {
    lastAt = performance.now();
    const key = messageKey(tag, payload);
    if (key !== undefined) {
      keys.add(key);
      lastKeyAt = lastAt;
    }
  });
  return new Promise((resolve, reject) => {
    client.once('error', reject);
    const timer = setInterval(() => {
      const now = performance.now();
      const complete = keys.size >= expected;
      if (complete || now - lastAt > quietMs || now - start > timeoutMs) {
        clearInterval(timer);
        client.end(false, {}, () => resolve({ keys, elapsedMs: (complete ? lastKeyAt : lastAt) - start, complete }));
      }
    }, 20);
  });
}
