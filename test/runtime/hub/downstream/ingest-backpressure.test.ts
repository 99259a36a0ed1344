// One client cannot make the hub hold any number of messages in memory while the store is slow:
// past 256 messages (or 16 MB) received and not yet committed on a connection, the hub stops
// reading that socket (TCP holds the client back) and reads again once half of them committed;
// and close() does not wait for ever for commits that never come (review finding: no backpressure).
import { afterEach, expect, it } from 'vitest';
import { MAX_UNACKNOWLEDGED_BYTES, MAX_UNACKNOWLEDGED_MESSAGES } from '../../../../src/runtime/iothub/dialect-connection.js';
import { RawClient, startTestHub, until, within, type TestHub } from './downstream-harness.js';

let hub: TestHub | undefined;
let client: RawClient | undefined;

afterEach(async () => {
  client?.end();
  await hub?.close();
  hub = undefined;
  client = undefined;
});

/** Ingest that waits until the test releases it: a store that stalls. */
function stallIngest(testHub: TestHub): { pending: number; released: number; release(): void } {
  const waiting: (() => void)[] = [];
  let open = false;
  const state = {
    pending: 0,
    released: 0,
    release: () => {
      open = true;
      for (const resolve of waiting.splice(0)) resolve();
    },
  };
  testHub.ingest = () => {
    state.pending += 1;
    const done = () => {
      state.pending -= 1;
      state.released += 1;
    };
    if (open) {
      done();
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => waiting.push(() => (done(), resolve())));
  };
  return state;
}

function publishMany(raw: RawClient, count: number, body: Buffer): void {
  for (let index = 1; index <= count; index++) {
    raw.send({ cmd: 'publish', topic: 'devices/child1/messages/events/', payload: body, qos: 1, messageId: index, dup: false, retain: false });
  }
}

async function pubacks(raw: RawClient, count: number): Promise<number> {
  let received = 0;
  while (received < count && (await within(raw.next('puback'), `PUBACK ${received + 1}`)) !== undefined) received += 1;
  return received;
}

it('stops reading a client past 256 unacknowledged messages and reads again as they commit', async () => {
  hub = await startTestHub();
  const ingest = stallIngest(hub);
  hub.register('child1');
  const login = await RawClient.login(hub, 'child1');
  expect(login.returnCode).toBe(0);
  client = login.client;
  const total = 600;
  publishMany(client, total, Buffer.alloc(1024, 1));

  await until(() => ingest.pending >= MAX_UNACKNOWLEDGED_MESSAGES, 'the cap to be reached');
  // What one socket read already held may still come; then nothing until something commits.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(ingest.pending).toBeLessThan(MAX_UNACKNOWLEDGED_MESSAGES + 64);
  expect(client.isClosed).toBe(false);

  ingest.release();
  expect(await pubacks(client, total)).toBe(total);
  expect(ingest.released).toBe(total);
}, 50_000);

it('counts bytes too: 200 KB messages stop well before 256 of them', async () => {
  hub = await startTestHub();
  const ingest = stallIngest(hub);
  hub.register('child1');
  const login = await RawClient.login(hub, 'child1');
  client = login.client;
  const body = Buffer.alloc(200 * 1024, 1);
  const total = 150;
  publishMany(client, total, body);

  const cap = Math.ceil(MAX_UNACKNOWLEDGED_BYTES / body.length);
  await until(() => ingest.pending >= cap, 'the byte cap to be reached');
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(ingest.pending).toBeLessThan(cap + 8);

  ingest.release();
  expect(await pubacks(client, total)).toBe(total);
}, 50_000);

it('closes within its deadline when a commit never comes, without acknowledging that message', async () => {
  hub = await startTestHub({ closeTimeoutMs: 500 });
  let ingested = 0;
  hub.ingest = () => {
    ingested += 1;
    return new Promise<void>(() => undefined);
  };
  hub.register('child1');
  const login = await RawClient.login(hub, 'child1');
  client = login.client;
  client.send({ cmd: 'publish', topic: 'devices/child1/messages/events/', payload: Buffer.from('never stored'), qos: 1, messageId: 1, dup: false, retain: false });
  await until(() => ingested === 1, 'the message to reach ingest');

  await within(hub.server.close(), 'close() to return', 15_000);
  await within(client.closed, 'the client to be disconnected', 15_000);
  expect(client.received.filter((packet) => packet.cmd === 'puback')).toEqual([]);
  expect(hub.log.some((line) => line.includes('1 messages still being stored'))).toBe(true);
}, 40_000);
