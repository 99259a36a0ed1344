// mosquitto as the edge hub's peer on the hub's own workload: an edge broker with persistence that
// bridges `devices/#` (QoS 1) to an upstream broker with persistence, where the durable subscriber
// stands for the cloud's consumer (see scenarios.mjs for the interface). Both over TLS, like the
// hub and its emulator.
//
// The outage is the upstream broker stopped (SIGTERM: it saves its database and keeps the
// subscriber's session); the edge queues for the bridge meanwhile (cleansession false, so its
// local session persists, and max_queued_messages 0). Restoring starts the upstream again; the
// bridge reconnects on its own schedule, `restart_timeout 1 1` (a back-off from 1 s capped at 1 s;
// the default goes from 5 s up to 30 s, man mosquitto.conf). Measured on mosquitto 2.0.11 it
// retries every 1–2 s (a single value, documented as a constant, waited about 5 s here), so a
// drain includes up to 2 s of waiting for the next attempt: reported apart, as the time to the
// first message upstream.
import fs from 'node:fs';
import path from 'node:path';
import mqtt from 'mqtt';
import { connectCollector, drainDurableSubscriber, registerDurableSubscriber, startMosquitto } from './mosquitto.mjs';
import { freePort, sleep, waitFor } from './processes.mjs';

const PROBE_TOPIC = 'devices/bench-probe/messages/events/';

function bridgeLines(upstreamPort, ca) {
  return [
    'connection upstream',
    `address 127.0.0.1:${upstreamPort}`,
    'topic devices/# out 1',
    'cleansession false',
    'remote_clientid bench-edge-bridge',
    'bridge_protocol_version mqttv311',
    `bridge_cafile ${ca}`,
    'restart_timeout 1 1',
    // The bridge's state messages are not the workload: keep the upstream's traffic to it.
    'notifications false',
  ];
}

/** Publishes a probe through the edge until the upstream's subscriber sees one: the bridge is up. */
async function bridgeCarries(edgeUrl, ca, collector) {
  const client = mqtt.connect(edgeUrl, { clientId: 'bench-probe', protocolVersion: 4, reconnectPeriod: 0, ca, rejectUnauthorized: true });
  try {
    await new Promise((resolve, reject) => {
      client.once('connect', resolve);
      client.once('error', reject);
    });
    let round = 0;
    await waitFor('the bridge to carry a probe upstream', async () => {
      client.publish(PROBE_TOPIC, `probe:0:${round++}:`, { qos: 0 });
      await sleep(100);
      return collector.received('probe').size > 0;
    }, { timeoutMs: 30_000, everyMs: 100 });
  } finally {
    await new Promise((resolve) => client.end(true, {}, resolve));
  }
}

export function mosquittoBridgePeer({ binary, certificates, tempRoot }) {
  let instances = 0;
  return {
    name: 'mosquitto-bridge',
    label: 'mosquitto edge → bridge → mosquitto upstream, persistence (autosave 1800 s)',
    async open() {
      const folder = fs.mkdtempSync(path.join(tempRoot, `b${instances++}-`));
      const [edgePort, upstreamPort] = [await freePort(), await freePort()];
      const startUpstream = () => startMosquitto({ binary, folder: path.join(folder, 'upstream'), port: upstreamPort, certificates, autosave: 'periodic' });
      const startEdge = () => startMosquitto({ binary, folder: path.join(folder, 'edge'), port: edgePort, certificates, autosave: 'periodic', extraLines: bridgeLines(upstreamPort, certificates.ca) });
      let upstream;
      let edge;
      let live; // the subscriber, connected while online
      const goOffline = async () => {
        await live?.close();
        live = undefined;
        await upstream?.stop();
        upstream = undefined;
      };
      try {
        upstream = await startUpstream();
        await registerDurableSubscriber(upstream);
        edge = await startEdge();
        live = connectCollector(upstream);
        await live.ready;
        await bridgeCarries(edge.url, edge.ca, live);
        await goOffline();
      } catch (error) {
        await live?.close().catch(() => {});
        await edge?.kill();
        await upstream?.kill();
        throw error;
      }
      return {
        get pid() {
          return edge.pid;
        },
        url: edge.url,
        ca: certificates.ca,
        folder,
        clients: (count) => Array.from({ length: count }, (_, i) => ({ clientId: `bench-publisher-${i}`, topic: `devices/bench-publisher-${i}/messages/events/` })),
        /** The outage ends: the upstream starts and the subscriber takes what the bridge forwards. */
        async drain({ tag, expected, quietMs }) {
          const since = performance.now();
          upstream = await startUpstream();
          return drainDurableSubscriber(upstream, { tag, expected, quietMs, since });
        },
        requeue: goOffline,
        /** Upstream running, the subscriber connected, and a probe seen through the bridge. */
        async online() {
          upstream ??= await startUpstream();
          if (!live) {
            live = connectCollector(upstream);
            await live.ready;
          }
          await bridgeCarries(edge.url, edge.ca, live);
        },
        /** When each message of the run reached the subscriber (online), waiting up to `quietMs` for stragglers. */
        async arrivals({ tag, expected, quietMs = 5_000 }) {
          await waitFor(`${expected} messages at the upstream's subscriber`, () => live.received(tag).size >= expected || performance.now() - live.lastAt > quietMs, { timeoutMs: 300_000, everyMs: 50 });
          return live.received(tag);
        },
        kill: () => edge.kill(),
        async restart() {
          edge = await startEdge();
        },
        async close() {
          await goOffline();
          await edge.stop();
          fs.rmSync(folder, { recursive: true, force: true });
        },
      };
    },
  };
}
