// A store restarted on a disk below its free-space margin, with its queue drained: lmdb's data file
// never shrinks, so the room deliveries freed inside it takes new messages (it once refused every
// one for good: what the store held at the restart, 0, was taken as what its file holds). 1,000
// messages of 16 KB are appended and delivered (a data file of about 20 MB, empty queue), then the
// store is reopened short of space: on a real tmpfs with 19 MB free under the default 32 MB margin
// (root only, skipped with the reason otherwise), and anywhere with a margin set above the real free
// space. Checked: appends are taken, stop with a disk-full refusal before the file has grown much,
// and resume once deliveries free room.
import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statfsSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoreWriteError, type HubStore, type HubStoreOptions, type StoreMessage } from '../../../src/runtime/store/hub-store.js';
import { ScratchHubStores } from './hub-store-support.js';

const MB = 1024 * 1024;
const BODY_BYTES = 16 * 1024;
const upstream = [{ endpoint: '$upstream', priority: 0, ttlSeconds: -1 }];
const stores = new ScratchHubStores();

const mountPoint = join(mkdtempSync(join(tmpdir(), 'edgewise-disk-guard-')), 'small-disk');
mkdirSync(mountPoint);
const mount = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=64m', 'tmpfs', mountPoint], { encoding: 'utf8' });
const mounted = mount.status === 0;
if (!mounted) console.warn(`hub-store-disk-guard-restart.test.ts: the tmpfs case is skipped: cannot mount a small tmpfs here (${(mount.stderr || `exit ${mount.status}`).trim()}); it needs root, as CI has`);
// The stores are closed before the tmpfs is unmounted (an open one keeps it busy).
afterAll(async () => {
  await stores.cleanUp();
  if (mounted) spawnSync('umount', [mountPoint]);
  rmSync(dirname(mountPoint), { recursive: true, force: true });
});

const message = (n: number): StoreMessage => ({ source: { deviceId: 'sensor' }, properties: {}, systemProperties: {}, body: Buffer.alloc(BODY_BYTES, n % 256), enqueuedAtMs: 1_000_000 + n });
const freeBytes = (folder: string): number => {
  const stats = statfsSync(folder);
  return stats.bavail * stats.bsize;
};
const dataFileBytes = (store: HubStore): number => statSync(join(store.path, 'data.mdb')).size;

/** Appends messages 50 at a time until `count` are taken or one is refused; answers how many were taken and the refusal. */
async function appendUntilRefused(store: HubStore, count: number, first = 0): Promise<{ taken: number; refusal?: unknown }> {
  let taken = 0;
  let refusal: unknown;
  while (refusal === undefined && taken < count) {
    const results = await Promise.allSettled(Array.from({ length: Math.min(50, count - taken) }, (_, index) => store.messages.append(message(first + taken + index), upstream)));
    for (const result of results) {
      if (result.status === 'fulfilled') taken += 1;
      else refusal ??= result.reason;
    }
  }
  return refusal === undefined ? { taken } : { taken, refusal };
}

async function acknowledge(store: HubStore, count: number): Promise<void> {
  const offsets = store.messages.read('$upstream', 0, 0, count, 0).map((entry) => entry.offset);
  await store.messages.acknowledge('$upstream', 0, offsets);
}

/** Fills and drains a store in `folder`, makes the disk short (`shorten` answers the options to reopen with), and checks what the reopened store takes. */
async function drainedThenShort(folder: string, shorten: () => HubStoreOptions): Promise<void> {
  const filled = stores.open(folder, { minFreeDiskBytes: 0 });
  expect(await appendUntilRefused(filled, 1_000)).toEqual({ taken: 1_000 });
  await acknowledge(filled, 1_000);
  expect(filled.messages.status(0)).toMatchObject({ messages: 0, bytes: 0 });
  const drainedFileBytes = dataFileBytes(filled);
  expect(drainedFileBytes).toBeGreaterThan(16 * MB);

  const store = await stores.reopen(filled, shorten());
  const taken = await appendUntilRefused(store, 5_000);
  const grewBy = dataFileBytes(store) - drainedFileBytes;
  console.log(`disk guard after a restart short of space: ${taken.taken} messages of 16 KB taken into a drained data file of ${(drainedFileBytes / MB).toFixed(1)} MB, which grew by ${(grewBy / MB).toFixed(2)} MB`);
  expect(taken.refusal, 'a refusal once the room inside the file is used').toBeInstanceOf(StoreWriteError);
  expect((taken.refusal as StoreWriteError).code).toBe('disk-full');
  // The estimate is a share of the file (hub-store-disk-guard.ts), and the file barely grows on a short disk.
  expect(taken.taken).toBeGreaterThan(300);
  expect(grewBy).toBeLessThan(2 * MB);

  // Deliveries make room again.
  await acknowledge(store, 200);
  expect((await appendUntilRefused(store, 20, 10_000)).taken).toBe(20);
}

describe('a drained store restarted on a disk short of space', () => {
  it.skipIf(!mounted)('takes new messages into the room its data file holds (tmpfs of 64 MB, 19 MB free under the 32 MB margin)', async () => {
    const folder = join(mountPoint, 'storage');
    await drainedThenShort(folder, () => {
      const filler = openSync(join(mountPoint, 'filler'), 'w');
      try {
        const chunk = Buffer.alloc(MB, 0x66);
        while (freeBytes(mountPoint) - chunk.length >= 19 * MB) writeSync(filler, chunk);
      } finally {
        closeSync(filler);
      }
      expect(freeBytes(mountPoint)).toBeLessThan(20 * MB);
      return {};
    });
  });

  it('takes new messages into the room its data file holds (a margin above the free space of the temp folder)', async () => {
    const folder = join(stores.folder(), 'storage');
    await drainedThenShort(folder, () => ({ minFreeDiskBytes: freeBytes(folder) + 64 * MB }));
  });
});
