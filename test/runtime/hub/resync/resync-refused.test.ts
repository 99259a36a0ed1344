// A child disabled or removed in the cloud during the outage (review finding: its messages, which
// the cloud refuses for ever, held the messages step until the 120 s stall limit, and its reported
// patches failed the reported step). The cloud refuses its connection (IdentityRefusedError): the
// messages step does not wait for its entries, which stay stored, and the reported step skips it,
// keeping its patches, as the desired step already did. The scope read afterwards settles it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { newCounters, UPSTREAM_ENDPOINT, type HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { IdentityRefusedError } from '../../../../src/runtime/hub/upstream/upstream-errors.js';
import type { TwinRequest, TwinResponse } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { UpstreamPump } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { waitFor } from '../../../support/wait-for.js';
import { FakeLink, MemoryRecords } from '../twins/twin-fakes.js';
import { hubMessage } from '../upstream/upstream-support.js';

const SENDER = { deviceId: 'sender' };
const DISABLED = { deviceId: 'disabled' };
const refusal = () => new IdentityRefusedError('upstream disabled: Connection refused: Not authorized');

/** A cloud that refuses the disabled child's connection and takes everything else. */
class RefusingLink extends FakeLink {
  readonly sent: string[] = [];

  override async sendTelemetry(message: HubMessage): Promise<void> {
    if (message.source.deviceId === DISABLED.deviceId) throw refusal();
    this.sent.push(message.body.toString());
  }

  override async twinRequest(identity: ClientIdentity, request: TwinRequest): Promise<TwinResponse> {
    if (identity.deviceId === DISABLED.deviceId) {
      this.requests.push({ key: identity.deviceId, request });
      throw refusal();
    }
    return super.twinRequest(identity, request);
  }
}

let folder: string | undefined;
let store: HubStore | undefined;
let pump: UpstreamPump | undefined;
let twins: TwinService | undefined;
let resync: Resync | undefined;

afterEach(async () => {
  resync?.stop();
  await twins?.close();
  await pump?.stop();
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  resync = twins = pump = store = folder = undefined;
});

it('runs the round past a child the cloud refuses: its messages and reported patches stay stored, the others go up', async () => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-resync-refused-'));
  store = openHubStore(folder);
  for (const [source, body] of [[SENDER, 's1'], [DISABLED, 'd1'], [SENDER, 's2'], [DISABLED, 'd2'], [SENDER, 's3']] as const) {
    await store.messages.append(hubMessage(source, body), [{ endpoint: UPSTREAM_ENDPOINT, priority: 0, ttlSeconds: -1 }]);
  }
  const link = new RefusingLink();
  link.state = 'cut';
  pump = new UpstreamPump({ store: store.messages, link, counters: newCounters(), backoff: { minMs: 50, maxMs: 100 }, stopTimeoutMs: 100 });
  pump.start();
  const lines: string[] = [];
  twins = createTwinService({ link, records: new MemoryRecords(), autoSync: () => resync?.completed === true, log: (line) => lines.push(line) });
  await twins.patchReported(SENDER, { state: 'back' });
  await twins.patchReported(DISABLED, { state: 'offline' });
  // Its connection was refused: the desired step skips it too.
  twins.onDesired(DISABLED, () => undefined);
  // The default stall limit (120 s): the round must not need it.
  resync = new Resync({ link, messages: pump, twins, scope: { refreshWithOutcome: async () => ({ ok: true, identities: 1, added: 0, removed: 1 }) }, log: (line) => lines.push(line) });
  link.restore();

  await waitFor('the round to finish', () => resync!.completed);
  expect(resync.view().steps.map(({ step, state, count }) => [step, state, count])).toEqual([
    ['messages', 'done', 3],
    ['reported', 'done', 1],
    ['desired', 'done', 0],
    ['scope', 'done', 1],
  ]);
  expect(link.sent).toEqual(['s1', 's2', 's3']);
  expect(store.messages.status(Date.now()).queues[0]!.depth).toBe(2);
  expect(twins.pendingReported()).toEqual({ patches: 1, identities: 1 });
  expect(link.twin('sender').reported).toMatchObject({ state: 'back' });
  expect(lines).toContain('reported properties of disabled stay pending: the cloud refuses this identity (disabled or removed; the device-scope read decides)');
});
