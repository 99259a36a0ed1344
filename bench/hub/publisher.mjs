#!/usr/bin/env node
// The load: P MQTT.js clients over TLS, each publishing N QoS 1 messages with up to `window`
// unacknowledged at a time. A message counts only once its PUBACK is back (for both peers the
// PUBACK is the promise that the message is kept). Runs in its own process so the orchestrator's
// polling never steals its event loop.
//
//   node bench/hub/publisher.mjs JOB.json
//
// JOB: { url, ca, size, count, window, tag, clients: [{clientId, username?, password?, topic}],
//        recordAcked?: boolean, progressEvery?: number }
// stdout, one JSON object a line: {"event":"connected"}, {"event":"acked","total"} (every
// progressEvery acks), then {"event":"done","elapsedMs","acked":[…],"ackedSeqs"?:[[…]…],"error"?}.
// A lost connection ends the run (the kill test relies on it): what was acknowledged until then
// is reported.
import fs from 'node:fs';
import { messageBody } from './message-body.mjs';
import { connectPublisher } from './publisher-connection.mjs';

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const ca = fs.readFileSync(job.ca);
const say = (object) => process.stdout.write(`${JSON.stringify(object)}\n`);

const connect = (client) => connectPublisher(job.url, ca, client);

const connections = [];
try {
  for (const client of job.clients) connections.push(await connect(client));
} catch (error) {
  say({ event: 'done', elapsedMs: 0, acked: job.clients.map(() => 0), error: `connect: ${error.message}` });
  process.exit(1);
}
say({ event: 'connected' });

const acked = job.clients.map(() => 0);
const ackedSeqs = job.clients.map(() => []);
let totalAcked = 0;
let error;
const start = performance.now();

function publishAll(connection, index) {
  const client = job.clients[index];
  return new Promise((resolve) => {
    let next = 0;
    let inFlight = 0;
    let finished = false;
    const finish = (reason) => {
      if (finished) return;
      finished = true;
      if (reason && !error) error = reason;
      resolve();
    };
    connection.on('close', () => finish(acked[index] < job.count ? `connection ${client.clientId} closed after ${acked[index]} acks` : undefined));
    const pump = () => {
      while (!finished && inFlight < job.window && next < job.count) {
        const seq = next++;
        inFlight++;
        connection.publish(client.topic, messageBody(job.tag, index, seq, job.size), { qos: 1 }, (publishError) => {
          inFlight--;
          if (publishError) return finish(`publish: ${publishError.message}`);
          acked[index]++;
          if (job.recordAcked) ackedSeqs[index].push(seq);
          totalAcked++;
          if (job.progressEvery && totalAcked % job.progressEvery === 0) say({ event: 'acked', total: totalAcked });
          if (acked[index] === job.count) finish();
          else pump();
        });
      }
    };
    pump();
  });
}

await Promise.all(connections.map(publishAll));
const elapsedMs = performance.now() - start;
say({ event: 'done', elapsedMs, acked, ...(job.recordAcked ? { ackedSeqs } : {}), ...(error ? { error } : {}) });
await Promise.all(connections.map((connection) => new Promise((resolve) => connection.end(true, {}, resolve))));
process.exit(0);
