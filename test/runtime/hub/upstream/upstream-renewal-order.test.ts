// One identity's messages keep their order through a token renewal that loses the connection: a
// publish queued while the renewal waits must not go out on the next connection ahead of an
// earlier one that failed with the old connection (review finding: renewal reorder); and a
// renewal does not wait for ever for a PUBACK that never comes.
import { afterEach, expect, it } from 'vitest';
import { connectionTo, outcomeOf, startScriptedCloud, until, within, type ScriptedCloud } from './scripted-cloud.js';
import type { UpstreamConnection } from '../../../../src/runtime/hub/upstream/upstream-connection.js';

let cloud: ScriptedCloud | undefined;
let connection: UpstreamConnection | undefined;

afterEach(async () => {
  await connection?.close();
  await cloud?.close();
  connection = undefined;
  cloud = undefined;
});

it('fails what waited behind a publish the renewal lost, so nothing overtakes it', async () => {
  const published: string[] = [];
  cloud = await startScriptedCloud((packet, socket) => {
    if (packet.cmd !== 'publish') return;
    published.push(`${socket.number}:${packet.payload.toString()}`);
    // The first connection loses every PUBACK (a dying network); later ones acknowledge.
    if (socket.number > 1) socket.send({ cmd: 'puback', messageId: packet.messageId! });
  });
  // A 2 s token: the renewal comes within a second or two of connecting.
  connection = connectionTo(cloud, { deviceId: 'child' }, { timings: { keepaliveSeconds: 60, connectTimeoutMs: 10_000, tokenSeconds: 2, renewalDrainMs: 200 } });
  connection.open();
  await connection.ready();
  const first = outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A1'), 1));
  await until('A1 to reach the first connection', () => published.includes('1:A1'));

  await until('the renewal to start', () => connection!.state === 'connecting');
  // Queued while the renewal waits for A1's PUBACK.
  const second = outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A2'), 1));
  cloud.sockets[0]!.destroy();

  expect(await first).toMatch(/^failed/);
  expect(await second).toMatch(/^failed/);
  await until('the renewed connection', () => connection!.state === 'connected');
  // The caller sends again in order, on the new connection.
  expect(await outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A1'), 1))).toBe('ok');
  expect(await outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A2'), 1))).toBe('ok');
  expect(published.filter((entry) => !entry.startsWith('1:')).map((entry) => entry.split(':')[1])).toEqual(['A1', 'A2']);
}, 40_000);

it('renews even when a PUBACK never comes on a connection that stays up', async () => {
  cloud = await startScriptedCloud((packet, socket) => {
    // The first connection answers pings but never acknowledges a publish.
    if (packet.cmd === 'publish' && socket.number > 1) socket.send({ cmd: 'puback', messageId: packet.messageId! });
  });
  connection = connectionTo(cloud, { deviceId: 'child' }, { timings: { keepaliveSeconds: 60, connectTimeoutMs: 10_000, tokenSeconds: 2, renewalDrainMs: 200 } });
  connection.open();
  await connection.ready();
  const lost = outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A1'), 1));

  expect(await within(lost, 'the renewal to give up on the missing PUBACK', 15_000)).toMatch(/^failed/);
  await until('the renewed connection', () => cloud!.received.includes('2:connect') && connection!.state === 'connected');
  expect(await outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('A1'), 1))).toBe('ok');
}, 40_000);
