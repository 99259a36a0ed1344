// The twin service against a fake upstream link (an in-memory cloud with IoT Hub's versioning):
// reported patches accepted offline, merged, kept across a restart and sent on reconnect; reads
// from the cloud or the stored copy; desired patches in order, after a gap, and after an outage.
import { afterEach, describe, expect, it } from 'vitest';
import { createTwinService, TwinRequestError, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { storedTwinOf } from '../../../../src/runtime/hub/upstream/twin-records.js';
import { FakeLink, MemoryRecords, waitFor } from './twin-fakes.js';

const SENSOR = { deviceId: 'sensor' };
const FILTER = { deviceId: 'edge', moduleId: 'filter' };

const services: TwinService[] = [];
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()));
});

function start(link: FakeLink, records: MemoryRecords, log: string[] = []): TwinService {
  const service = createTwinService({ link, records, log: (line) => log.push(line), retryIntervalMs: 50 });
  services.push(service);
  return service;
}

function pendingOf(records: MemoryRecords, key: string): unknown[] {
  return storedTwinOf(records.get(key))?.pending ?? [];
}

describe('twin service, reported properties', () => {
  it('sends a patch at once when connected and keeps nothing pending once the cloud took it', async () => {
    const link = new FakeLink();
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.patchReported(SENSOR, { temperature: 21 });
    await waitFor(() => link.twin('sensor').reported.temperature === 21, 'the cloud to have the patch');
    await waitFor(() => pendingOf(records, 'sensor').length === 0 && records.writes >= 2, 'the pending patch to be cleared');
    expect(storedTwinOf(records.get('sensor'))?.reported).toEqual({ temperature: 21, $version: link.twin('sensor').reported.$version });
  });

  it('accepts patches while cut, merges them durably with deletions as nulls, and sends them on restore', async () => {
    const link = new FakeLink();
    link.twin('sensor').reported = { keep: 1, stale: 'x', nested: { a: 1, b: 2 }, $version: 5 };
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.get(SENSOR);
    link.cut();

    expect(await twins.patchReported(SENSOR, { temperature: 20, stale: null })).toBe(6);
    expect(await twins.patchReported(SENSOR, { temperature: 22, nested: { b: null, c: 3 } })).toBe(7);
    // Durable before the promise resolved: the record holds one merged patch, nulls included.
    expect(pendingOf(records, 'sensor')).toEqual([{ temperature: 22, stale: null, nested: { b: null, c: 3 } }]);
    expect(link.requests.filter((entry) => entry.request.kind === 'patch-reported')).toEqual([]);

    const offline = await twins.get(SENSOR);
    expect(offline.reported).toEqual({ keep: 1, temperature: 22, nested: { a: 1, c: 3 }, $version: 7 });

    link.restore();
    await waitFor(() => link.twin('sensor').reported.temperature === 22, 'the cloud to get the offline patches');
    expect(link.twin('sensor').reported).toEqual({ keep: 1, temperature: 22, nested: { a: 1, c: 3 }, $version: 6 });
    await waitFor(() => pendingOf(records, 'sensor').length === 0, 'the pending patch to be cleared');
    // Once nothing is pending the local version follows the cloud's again.
    expect((await twins.get(SENSOR)).reported.$version).toBe(6);
  });

  it('keeps pending patches across a restart and sends them when the link comes back', async () => {
    const link = new FakeLink();
    link.cut();
    const records = new MemoryRecords();
    const first = start(link, records);
    await first.patchReported(FILTER, { state: 'offline-1' });
    await first.patchReported(FILTER, { gone: null });
    await first.close();

    const second = start(link, records);
    expect((await second.get(FILTER)).reported).toEqual({ state: 'offline-1', $version: 2 });
    link.twin('edge/filter').reported = { gone: true, $version: 3 };
    link.restore();
    await waitFor(() => link.twin('edge/filter').reported.state === 'offline-1', 'the patches to reach the cloud after the restart');
    expect(link.twin('edge/filter').reported).toEqual({ state: 'offline-1', $version: 4 });
    await waitFor(() => pendingOf(records, 'edge/filter').length === 0, 'the pending patch to be cleared');
  });

  it('sends a patch that cannot be merged as its own patch, in order', async () => {
    const link = new FakeLink();
    link.twin('sensor').reported = { config: { old: 1 }, $version: 1 };
    link.cut();
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.patchReported(SENSOR, { config: null });
    await twins.patchReported(SENSOR, { config: { fresh: 2 } });
    expect(pendingOf(records, 'sensor')).toEqual([{ config: null }, { config: { fresh: 2 } }]);
    link.restore();
    await waitFor(() => pendingOf(records, 'sensor').length === 0, 'both patches to go up');
    expect(link.twin('sensor').reported).toEqual({ config: { fresh: 2 }, $version: 3 });
  });

  it('does not merge a new patch into the one on its way to the cloud', async () => {
    const link = new FakeLink();
    let release!: () => void;
    link.hold = new Promise((resolve) => (release = resolve));
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.patchReported(SENSOR, { a: 1 });
    await waitFor(() => link.requests.some((entry) => entry.request.kind === 'patch-reported'), 'the first patch to be sent');
    await twins.patchReported(SENSOR, { b: 2 });
    expect(pendingOf(records, 'sensor')).toEqual([{ a: 1 }, { b: 2 }]);
    link.hold = undefined;
    release();
    await waitFor(() => pendingOf(records, 'sensor').length === 0, 'both patches to go up');
    expect(link.twin('sensor').reported).toEqual({ a: 1, b: 2, $version: 3 });
  });

  it('drops a patch the cloud refuses for good and sends the next one', async () => {
    const link = new FakeLink();
    link.cut();
    link.patchStatuses.push(400);
    const records = new MemoryRecords();
    const log: string[] = [];
    const twins = start(link, records, log);
    await twins.patchReported(SENSOR, { bad: null });
    await twins.patchReported(SENSOR, { bad: { x: 1 } });
    link.restore();
    await waitFor(() => pendingOf(records, 'sensor').length === 0, 'the queue to drain');
    expect(link.twin('sensor').reported).toEqual({ bad: { x: 1 }, $version: 2 });
    expect(log.some((line) => line.includes('refused a patch with status 400'))).toBe(true);
  });

  it('retries a patch the cloud could not take for now (throttled)', async () => {
    const link = new FakeLink();
    link.patchStatuses.push(429, 503);
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.patchReported(SENSOR, { a: 1 });
    await waitFor(() => link.twin('sensor').reported.a === 1, 'the patch to go up after the retries');
    expect(link.requests.filter((entry) => entry.request.kind === 'patch-reported')).toHaveLength(3);
  });

  it('refuses, before storing anything, a patch IoT Hub would refuse (edgeHub ReportedPropertiesValidator)', async () => {
    const link = new FakeLink();
    link.cut();
    const records = new MemoryRecords();
    const twins = start(link, records);
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let level = 0; level < 11; level += 1) deep = { nested: deep };
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ 'a.b': 1 }, /contains invalid character "\."/],
      [{ nested: { $secret: 1 } }, /contains invalid character "\$"/],
      [{ 'with space': 1 }, /invalid character " "/],
      [{ ['k'.repeat(1025)]: 1 }, /exceeds maximum length of 1024/],
      [{ text: 'x'.repeat(4097) }, /length 4097 that exceeds maximum length of 4096/],
      [{ big: 2 ** 53 }, /out of bound value/],
      [{ list: [1, null] }, /Arrays cannot contain 'null'/],
      [{ list: [{ member: null }] }, /of an object in an array cannot be 'null'/],
      [deep, /Nested depth of twin property exceeds 10/],
      [Object.fromEntries(Array.from({ length: 10 }, (_, index) => [`k${index}`, 'x'.repeat(4000)])), /exceeds maximum 32768/],
    ];
    for (const [patch, message] of cases) {
      const error = await twins.patchReported(SENSOR, patch).catch((caught: unknown) => caught);
      expect(error, JSON.stringify(patch).slice(0, 60)).toBeInstanceOf(TwinRequestError);
      expect((error as TwinRequestError).status).toBe(400);
      expect((error as TwinRequestError).message).toMatch(message);
    }
    expect(records.values.size).toBe(0);
    // Nulls delete, at any depth outside arrays; the top-level $version a client may send back is ignored.
    expect(await twins.patchReported(SENSOR, { gone: null, nested: { also: null }, $version: 3 })).toBe(1);
  });

  it('refuses a patch that is not a JSON object with a 400 TwinRequestError', async () => {
    const twins = start(new FakeLink(), new MemoryRecords());
    const error = await twins.patchReported(SENSOR, [1, 2] as unknown as Record<string, unknown>).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TwinRequestError);
    expect((error as TwinRequestError).status).toBe(400);
  });
});

describe('twin service, reads', () => {
  it('reads from the cloud when connected and from the stored copy when not', async () => {
    const link = new FakeLink();
    link.twin('sensor').desired = { interval: 10, $version: 4 };
    const records = new MemoryRecords();
    const twins = start(link, records);
    expect(await twins.get(SENSOR)).toEqual({ desired: { interval: 10, $version: 4 }, reported: { $version: 1 } });

    link.cut();
    link.twin('sensor').desired = { interval: 99, $version: 5 };
    expect(await twins.get(SENSOR)).toEqual({ desired: { interval: 10, $version: 4 }, reported: { $version: 1 } });
    // An identity never read answers empty sections, as edgeHub does without a stored twin.
    expect(await twins.get({ deviceId: 'unknown' })).toEqual({ desired: { $version: 0 }, reported: { $version: 0 } });
  });

  it('falls back to the stored copy when the cloud does not answer', async () => {
    const link = new FakeLink();
    link.twin('sensor').desired = { interval: 10, $version: 4 };
    const twins = createTwinService({ link, records: new MemoryRecords(), requestTimeoutMs: 200, retryIntervalMs: 50 });
    services.push(twins);
    await twins.get(SENSOR);
    link.hold = new Promise(() => undefined);
    expect((await twins.get(SENSOR)).desired).toEqual({ interval: 10, $version: 4 });
  });
});

describe('twin service, desired properties', () => {
  it('forwards a patch that follows the stored version, with its $version', async () => {
    const link = new FakeLink();
    const twins = start(link, new MemoryRecords());
    await twins.get(SENSOR);
    const received: [Record<string, unknown>, number][] = [];
    twins.onDesired(SENSOR, (patch, version) => received.push([patch, version]));
    link.patchDesired('sensor', { interval: 5 });
    await waitFor(() => received.length === 1, 'the patch');
    expect(received[0]).toEqual([{ interval: 5, $version: 2 }, 2]);
    expect((await twins.get(SENSOR)).desired).toEqual({ interval: 5, $version: 2 });
  });

  it('after a version gap, reads the whole twin and pushes the difference', async () => {
    const link = new FakeLink();
    link.twin('sensor').desired = { a: 1, b: 2, $version: 3 };
    const twins = start(link, new MemoryRecords());
    await twins.get(SENSOR);
    const received: [Record<string, unknown>, number][] = [];
    twins.onDesired(SENSOR, (patch, version) => received.push([patch, version]));
    // Two changes the hub never heard of, then one it hears of.
    link.twin('sensor').desired = { a: 1, c: 3, $version: 5 };
    link.patchDesired('sensor', { d: 4 });
    await waitFor(() => received.length === 1, 'the difference');
    expect(received[0]).toEqual([{ b: null, c: 3, d: 4, $version: 6 }, 6]);
  });

  it('on reconnect, pushes to each subscribed client what changed in the cloud during the outage', async () => {
    const link = new FakeLink();
    link.twin('edge/filter').desired = { threshold: 1, mode: 'a', $version: 2 };
    const records = new MemoryRecords();
    const twins = start(link, records);
    await twins.get(FILTER);
    const received: [Record<string, unknown>, number][] = [];
    const stop = twins.onDesired(FILTER, (patch, version) => received.push([patch, version]));
    expect(link.desiredSubscribers('edge/filter')).toBe(1);

    link.cut();
    link.patchDesired('edge/filter', { threshold: 7 });
    link.patchDesired('edge/filter', { mode: null, extra: { on: true } });
    expect(received).toEqual([]);
    link.restore();
    await waitFor(() => received.length === 1, 'the difference after the outage');
    expect(received[0]).toEqual([{ threshold: 7, mode: null, extra: { on: true }, $version: 4 }, 4]);
    expect(storedTwinOf(records.get('edge/filter'))?.desired).toEqual({ threshold: 7, extra: { on: true }, $version: 4 });

    stop();
    expect(link.desiredSubscribers('edge/filter')).toBe(0);
  });

  it('on reconnect, pushes nothing when nothing changed', async () => {
    const link = new FakeLink();
    const twins = start(link, new MemoryRecords());
    await twins.get(SENSOR);
    const received: unknown[] = [];
    twins.onDesired(SENSOR, (patch) => received.push(patch));
    link.cut();
    link.restore();
    await waitFor(() => link.requests.filter((entry) => entry.request.kind === 'get').length === 2, 'the read after the reconnect');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual([]);
  });
});
