// A downstream client that reconnects (its SDK renews its token that way) keeps its cloud
// connection: the link leaves an identity's connection to the idle sweep when its last client
// leaves, as edgeHub keeps a cloud connection for its idle timeout, even when the identity never
// sent telemetry (review finding: detach closed it at once).
import { afterEach, expect, it } from 'vitest';
import { createUpstreamLink, type UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { ADDRESS, startScriptedCloud, until, type ScriptedCloud } from './scripted-cloud.js';

let cloud: ScriptedCloud | undefined;
let link: UpstreamLink | undefined;

afterEach(async () => {
  await link?.close();
  await cloud?.close();
  link = undefined;
  cloud = undefined;
});

it('keeps a detached identity’s connection for the next attach', async () => {
  const connects: string[] = [];
  cloud = await startScriptedCloud((packet, socket) => {
    if (packet.cmd === 'connect') connects.push(packet.clientId);
    if (packet.cmd === 'publish' && packet.qos === 1) socket.send({ cmd: 'puback', messageId: packet.messageId! });
  });
  link = createUpstreamLink('edge-1', {
    hostName: `${ADDRESS}:${cloud.port}`,
    protocol: 'Mqtt',
    ca: cloud.ca,
    keyOf: () => Buffer.alloc(32, 1).toString('base64'),
    backoff: { minMs: 50, maxMs: 100 },
    idleMs: 60_000,
  });
  link.attach({ deviceId: 'child-1' });
  await until('the child’s cloud connection', () => connects.includes('child-1'));

  // The child reconnects downstream: detach, then attach again.
  link.detach({ deviceId: 'child-1' });
  link.attach({ deviceId: 'child-1' });
  await link.sendTelemetry({ source: { deviceId: 'child-1' }, properties: {}, systemProperties: {}, body: Buffer.from('after the reconnect'), enqueuedAtMs: Date.now() });

  expect(connects.filter((clientId) => clientId === 'child-1')).toEqual(['child-1']);
}, 40_000);
