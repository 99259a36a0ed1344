// A token renewal of the hub's own connection is no reconnect (review finding: each renewal, every
// 45 min with the SDK's 3600 s token, interrupted the round and started a new one). Over the real
// upstream link and a scripted cloud with 2 s tokens, renewals come every second or two and the
// round stays the first; and a round's reported step rides out a renewal that cuts off its request.
import { afterEach, expect, it } from 'vitest';
import type { UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { createUpstreamLink, type UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { waitFor } from '../../../support/wait-for.js';
import { FakeLink, MemoryRecords } from '../twins/twin-fakes.js';
import { startScriptedCloud, type ScriptedCloud } from '../upstream/scripted-cloud.js';

let cloud: ScriptedCloud | undefined;
let link: UpstreamLink | undefined;
let resync: Resync | undefined;
let twins: TwinService | undefined;

afterEach(async () => {
  resync?.stop();
  await twins?.close();
  await link?.close();
  await cloud?.close();
  resync = twins = link = cloud = undefined;
});

const scope = { refreshWithOutcome: async () => ({ ok: true as const, identities: 1, added: 0, removed: 0 }) };

it('keeps the round running through token renewals of the hub connection', async () => {
  cloud = await startScriptedCloud((packet, socket) => {
    if (packet.cmd === 'subscribe') socket.send({ cmd: 'suback', messageId: packet.messageId!, granted: packet.subscriptions.map(() => 1 as const) });
  });
  const states: UpstreamState[] = [];
  link = createUpstreamLink('edge', {
    hostName: `127.0.0.1:${cloud.port}`,
    protocol: 'Mqtt',
    ca: cloud.ca,
    keyOf: () => Buffer.alloc(32, 1).toString('base64'),
    backoff: { minMs: 50, maxMs: 100 },
    tokenSeconds: 2,
  });
  link.onStateChange((state) => states.push(state));
  const lines: string[] = [];
  let signal: AbortSignal | undefined;
  resync = new Resync({
    link,
    // The messages step of a long backlog: it ends only when the round does.
    messages: {
      mark: () => new Map([[0, 100]]),
      deliveredThrough: (_mark, options) => {
        signal = options.signal;
        return new Promise((_, reject) => options.signal.addEventListener('abort', () => reject(options.signal.reason)));
      },
    },
    twins: { sendPendingReported: async () => 0, reconcileDesired: async () => 0 },
    scope,
    log: (line) => lines.push(line),
  });
  const renewals = () => states.filter((state, index) => state === 'connecting' && states[index - 1] === 'connected').length;
  await waitFor('two renewals of the hub connection, each back to connected', () => renewals() >= 2 && link!.state === 'connected');
  expect(states).not.toContain('disconnected');
  expect(resync.view()).toMatchObject({ round: 1, state: 'running', steps: [{ step: 'messages', state: 'running' }, { state: 'pending' }, { state: 'pending' }, { state: 'pending' }] });
  expect(signal?.aborted).toBe(false);
  expect(lines).toEqual([]);
}, 40_000);

it('rides out a renewal in the reported step: the request it cut off goes again once connected', async () => {
  const fake = new FakeLink();
  fake.state = 'cut';
  twins = createTwinService({ link: fake, records: new MemoryRecords(), autoSync: () => resync?.completed === true });
  await twins.patchReported({ deviceId: 'sensor' }, { mode: 'eco' });
  let release!: () => void;
  fake.hold = new Promise<void>((resolve) => (release = resolve));
  resync = new Resync({ link: fake, messages: { mark: () => new Map(), deliveredThrough: async () => 0 }, twins, scope, log: () => undefined });
  fake.restore();
  await waitFor('the patch request to be on its way', () => fake.requests.length === 1);
  // The renewal begins: the request in flight is lost with the old connection.
  fake.setState('connecting');
  fake.hold = undefined;
  release();
  await new Promise((resolve) => setImmediate(resolve));
  expect(resync.view().steps[1]!.state).toBe('running');
  fake.setState('connected');

  await waitFor('the round to finish', () => resync!.completed);
  expect(resync.view()).toMatchObject({ round: 1, state: 'done' });
  expect(resync.view().steps[1]).toMatchObject({ step: 'reported', state: 'done', count: 1 });
  expect(fake.requests.map((entry) => entry.request.kind)).toEqual(['patch-reported', 'patch-reported']);
  expect(fake.twin('sensor').reported).toMatchObject({ mode: 'eco' });
});
