#!/usr/bin/env node
// The steady load: P MQTT.js clients over TLS sending QoS 1 messages at a fixed total rate, each
// timed from its publish call to its PUBACK. The load is open-loop: a message goes out when it is
// due whatever is still unacknowledged, so a stalled broker shows as long PUBACK times instead of
// a slower publisher (no coordinated omission). Each body carries the time it was sent (ms since
// the epoch, sub-millisecond) for end-to-end latency at the receiver.
//
//   node bench/hub/paced-publisher.mjs JOB.json
//
// JOB: { url, ca, size, rate (messages/s, all clients together), durationMs?, tag,
//        clients: [{clientId, username?, password?, topic}] }
// Without durationMs it sends until a line "stop" arrives on stdin (also ends a timed run early).
// stdout, one JSON object a line: {"event":"connected"}, then {"event":"done", sent, acked,
// elapsedMs, maxLagMs, sentAt: [...], ackMs: [...], error?}: sentAt[i] and ackMs[i] (null when no
// PUBACK came) for every message sent, in sending order; maxLagMs is how late the most delayed
// message left against its schedule (timers on a busy machine).
import fs from 'node:fs';
import readline from 'node:readline';
import { messageBody } from './message-body.mjs';
import { connectPublisher } from './publisher-connection.mjs';

const ACK_WAIT_MS = 60_000;
const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ca = fs.readFileSync(job.ca);
const say = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

const connect = (client) => connectPublisher(job.url, ca, client);

const connections = [];
try {
  for (const client of job.clients) connections.push(await connect(client));
} catch (error) {
  say({ event: 'done', sent: 0, acked: 0, elapsedMs: 0, maxLagMs: 0, sentAt: [], ackMs: [], error: `connect: ${error.message}` });
  process.exit(1);
}
say({ event: 'connected' });

const sentAt = [];
const ackMs = [];
let acked = 0;
let error;
let stopping = false;
let maxLagMs = 0;
for (const [index, connection] of connections.entries()) {
  connection.on('close', () => {
    if (!stopping) error ??= `connection ${job.clients[index].clientId} closed after ${sentAt.length} messages sent`;
  });
}
readline.createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() === 'stop') stopping = true;
});

const intervalMs = 1000 / job.rate;
const limit = job.durationMs === undefined ? Infinity : Math.floor((job.durationMs / 1000) * job.rate);
const start = performance.now();
let allAcked;
const settled = new Promise((resolve) => (allAcked = resolve));

function send(k) {
  const index = k % connections.length;
  const seq = Math.floor(k / connections.length);
  const sentPerf = performance.now();
  const slot = sentAt.length;
  sentAt.push(Math.round((performance.timeOrigin + sentPerf) * 1000) / 1000);
  ackMs.push(NaN);
  connections[index].publish(job.clients[index].topic, messageBody(job.tag, index, seq, job.size, sentAt[slot]), { qos: 1 }, (publishError) => {
    if (publishError) {
      error ??= `publish: ${publishError.message}`;
      return;
    }
    ackMs[slot] = Math.round((performance.now() - sentPerf) * 1000) / 1000;
    acked++;
    if (stopping && acked === sentAt.length) allAcked();
  });
}

await new Promise((resolve) => {
  let k = 0;
  const tick = () => {
    if (stopping || error || k >= limit) return resolve();
    const now = performance.now();
    const due = Math.min(limit, Math.floor((now - start) / intervalMs) + 1);
    if (due > k) maxLagMs = Math.max(maxLagMs, now - (start + k * intervalMs));
    while (k < due) send(k++);
    setTimeout(tick, Math.max(0, start + k * intervalMs - performance.now()));
  };
  tick();
});
stopping = true;
if (acked < sentAt.length && !error) await Promise.race([settled, new Promise((resolve) => setTimeout(resolve, ACK_WAIT_MS))]);
const elapsedMs = performance.now() - start;
if (acked < sentAt.length) error ??= `${sentAt.length - acked} of ${sentAt.length} messages got no PUBACK within ${ACK_WAIT_MS / 1000} s`;
const done = { event: 'done', sent: sentAt.length, acked, elapsedMs, maxLagMs, sentAt, ackMs: ackMs.map((v) => (Number.isNaN(v) ? null : v)), ...(error ? { error } : {}) };
// Megabytes for a long run: stdout is a pipe, written asynchronously, so exit only once it is out.
await new Promise((resolve) => process.stdout.write(`${JSON.stringify(done)}\n`, resolve));
await Promise.all(connections.map((connection) => new Promise((resolve) => connection.end(true, {}, resolve))));
process.exit(0);
