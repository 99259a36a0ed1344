// The telemetry log against a real lmdb store: arrival order, sequence numbers that continue after
// a reopen, text and binary bodies, and listeners that hear only of committed records.
import { afterAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import { TelemetryLog, type TelemetryRecord } from '../../../src/runtime/cloud/telemetry-log.js';
import { ScratchStores } from '../store/scratch-store.js';

const stores = new ScratchStores();
afterAll(() => stores.cleanUp());

function message(deviceId: string, text: string | Buffer, moduleId?: string) {
  return {
    deviceId,
    ...(moduleId === undefined ? {} : { moduleId }),
    body: Buffer.isBuffer(text) ? text : Buffer.from(text),
    properties: { kind: 'test' },
    systemProperties: { 'message-id': `m-${String(text)}`, 'iothub-connection-device-id': deviceId },
  };
}

describe('TelemetryLog', () => {
  it('keeps messages from several identities in arrival order, numbered from 1', async () => {
    const { store } = stores.fresh();
    const log = new TelemetryLog(store);
    const appended = await Promise.all([log.append(message('a', 'one')), log.append(message('b', 'two', 'filter')), log.append(message('a', 'three'))]);
    expect(appended.map((record) => record.sequenceNumber)).toEqual([1, 2, 3]);
    const read = log.read();
    expect(read.map((record) => [record.sequenceNumber, record.deviceId, record.moduleId, record.body])).toEqual([
      [1, 'a', undefined, 'one'],
      [2, 'b', 'filter', 'two'],
      [3, 'a', undefined, 'three'],
    ]);
    expect(read[0]).toMatchObject({ properties: { kind: 'test' }, systemProperties: { 'message-id': 'm-one', 'iothub-connection-device-id': 'a' } });
    expect(read[0]!.systemProperties['iothub-enqueuedtime']).toBe(read[0]!.enqueuedTimeUtc);
    expect(read[0]).not.toHaveProperty('bodyEncoding');
  });

  it('reads from a sequence number, with a limit', async () => {
    const { store } = stores.fresh();
    const log = new TelemetryLog(store);
    for (let index = 1; index <= 5; index += 1) await log.append(message('a', `m${index}`));
    expect(log.read(3).map((record) => record.body)).toEqual(['m3', 'm4', 'm5']);
    expect(log.read(2, 2).map((record) => record.body)).toEqual(['m2', 'm3']);
    expect(log.read(9)).toEqual([]);
    expect(log.lastSequenceNumber()).toBe(5);
  });

  it('continues sequence numbers after a reopen, with every acknowledged message kept', async () => {
    const { folder, store } = stores.fresh();
    const log = new TelemetryLog(store);
    await Promise.all(Array.from({ length: 50 }, (_, index) => log.append(message('a', `before-${index}`))));
    const reopened = await stores.reopen(folder, store);
    const again = new TelemetryLog(reopened);
    expect(again.lastSequenceNumber()).toBe(50);
    const next = await again.append(message('b', 'after'));
    expect(next.sequenceNumber).toBe(51);
    const all = again.read();
    expect(all.map((record) => record.sequenceNumber)).toEqual(Array.from({ length: 51 }, (_, index) => index + 1));
    expect(all[49]!.body).toBe('before-49');
  });

  it('keeps UTF-8 bodies as text and other bytes as base64, both byte for byte', async () => {
    const { store } = stores.fresh();
    const log = new TelemetryLog(store);
    const text = '{"temperature":21.5,"unit":"°C"} ✓';
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('hi')]);
    const binary = Buffer.from([0x00, 0xff, 0xfe, 0x80, 0x41]);
    const [utf8, bom, bytes] = [await log.append(message('a', text)), await log.append(message('a', withBom)), await log.append(message('a', binary))];
    expect(utf8).toMatchObject({ body: text });
    expect(utf8).not.toHaveProperty('bodyEncoding');
    expect(Buffer.from(bom.body)).toEqual(withBom);
    expect(bytes).toMatchObject({ body: binary.toString('base64'), bodyEncoding: 'base64' });
    expect(Buffer.from(log.read(3)[0]!.body, 'base64')).toEqual(binary);
  });

  it('tells listeners of each record once it is stored, in order, until they stop', async () => {
    const { store } = stores.fresh();
    const log = new TelemetryLog(store);
    const heard: number[] = [];
    const stop = log.onAppend((record: TelemetryRecord) => {
      expect(store.telemetry.get(record.sequenceNumber)).toEqual(record);
      heard.push(record.sequenceNumber);
    });
    log.onAppend(() => {
      throw new Error('a broken listener does not stop the others');
    });
    await Promise.all(Array.from({ length: 20 }, (_, index) => log.append(message('a', `m${index}`))));
    await log.append(message('a', 'flush'));
    expect(heard).toEqual(Array.from({ length: 21 }, (_, index) => index + 1));
    stop();
    await log.append(message('a', 'unheard'));
    expect(heard).toHaveLength(21);
  });

  it('refuses a message over 256 KB with MessageTooLarge and stores nothing', async () => {
    const { store } = stores.fresh();
    const log = new TelemetryLog(store);
    const error = await log.append(message('a', Buffer.alloc(256 * 1024 + 1))).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CloudError);
    expect(error).toMatchObject({ status: 413, errorCode: 'MessageTooLarge', numericCode: 413001 });
    expect(log.read()).toEqual([]);
    expect((await log.append(message('a', 'next'))).sequenceNumber).toBe(1);
  });
});
