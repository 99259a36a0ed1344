// Opening the hub store refuses what cannot be opened safely (a truncated or damaged data.mdb,
// another lmdb store) with StoreOpenError naming the folder and the recovery, and changes nothing
// on disk; a whole store whose file is shorter than its meta page counts (pages taken and freed
// in one commit are counted but never written) still opens. A page overwritten with other bytes
// is refused at open instead of killing the process later (checked in a child process).
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, openSync, readFileSync, closeSync, statSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openHubStore, StoreOpenError } from '../../../src/runtime/store/hub-store.js';
import { openCloudStore } from '../../../src/runtime/store/open-store.js';
import { bundleChild, message, ScratchHubStores, texts, upstream } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

/** A closed store holding `count` messages of about 1 KB (plus a few large ones on overflow pages). */
async function filledStore(count: number): Promise<string> {
  const { folder, store } = stores.fresh();
  await Promise.all(
    Array.from({ length: count }, (_, index) => store.messages.append(message(`${index}:${'x'.repeat(index % 50 === 0 ? 9_000 : 1_000)}`), [upstream()])),
  );
  await store.close();
  return folder;
}

function refusal(folder: string): StoreOpenError {
  try {
    openHubStore(folder);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreOpenError);
    return error as StoreOpenError;
  }
  throw new Error('the store opened');
}

/** Overwrites bytes of data.mdb at `position`. */
function patch(folder: string, position: number, bytes: Buffer): void {
  const fd = openSync(join(folder, 'data.mdb'), 'r+');
  writeSync(fd, bytes, 0, bytes.length, position);
  closeSync(fd);
}

/** Bytes that look random, the same for the same seed. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = seed * 2654435761 + 1;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

describe('openHubStore on a damaged folder', () => {
  it('refuses a truncated data.mdb, names the folder and the recovery, and leaves the file as it is', async () => {
    const folder = await filledStore(2_000);
    const data = join(folder, 'data.mdb');
    truncateSync(data, Math.floor(statSync(data).size / 2));
    const before = readFileSync(data);
    const error = refusal(folder);
    expect(error.message).toContain(folder);
    expect(error.message).toMatch(/truncated/);
    expect(error.message).toMatch(/move that folder aside/);
    expect(error.code).toBe('store-corrupt');
    expect(readFileSync(data).equals(before)).toBe(true);
  });

  it('refuses a data.mdb cut by only its last page', async () => {
    const folder = await filledStore(500);
    const data = join(folder, 'data.mdb');
    truncateSync(data, statSync(data).size - 4096);
    expect(refusal(folder).message).toMatch(/truncated/);
  });

  it('refuses an empty data.mdb and one whose headers are garbage', async () => {
    const empty = stores.folder();
    writeFileSync(join(empty, 'data.mdb'), '');
    expect(refusal(empty).message).toMatch(/empty/);

    const garbled = await filledStore(10);
    patch(garbled, 0, Buffer.alloc(64, 0x5a));
    patch(garbled, 4096, Buffer.alloc(64, 0x5a));
    expect(refusal(garbled).message).toMatch(/no valid lmdb header/);
  });

  it('refuses a data.mdb with one damaged meta page (lmdb-js would crash the process on it)', async () => {
    const folder = await filledStore(10);
    patch(folder, 4096 + 24, Buffer.alloc(4, 0));
    expect(refusal(folder).message).toMatch(/damaged lmdb header \(meta page 1\)/);
  });

  it('refuses a folder holding the emulator’s store instead of the hub’s', async () => {
    const folder = stores.folder();
    const cloud = openCloudStore(folder);
    await cloud.devices.put('sensor', { deviceId: 'sensor' });
    await cloud.close();
    expect(refusal(join(folder, 'store')).message).toMatch(/not the hub's/);
  });

  it('opens a whole store whose file is shorter than its meta page counts', async () => {
    const folder = await filledStore(300);
    // Claim two more pages than the file holds, as a commit that took and freed pages does.
    const data = join(folder, 'data.mdb');
    const bytes = readFileSync(data);
    const newest = bytes.readBigUInt64LE(24 + 128) > bytes.readBigUInt64LE(4096 + 24 + 128) ? 0 : 4096;
    const lastPage = bytes.readBigUInt64LE(newest + 24 + 120);
    const claimed = Buffer.alloc(8);
    claimed.writeBigUInt64LE(lastPage + 2n);
    patch(folder, newest + 24 + 120, claimed);
    const store = stores.open(folder);
    expect(texts(store, '$upstream', 2_000_000_000)).toHaveLength(300);
  });

  it('refuses a short file when a page the trees reach is missing, even past a whole meta check', async () => {
    const folder = await filledStore(300);
    const data = join(folder, 'data.mdb');
    const copy = join(stores.folder(), 'copy');
    mkdirSync(copy);
    copyFileSync(data, join(copy, 'data.mdb'));
    truncateSync(join(copy, 'data.mdb'), statSync(data).size - 8192);
    expect(refusal(copy).message).toMatch(/page \d+ its data needs lies past the end|truncated/);
  });

  it('refuses a store with a page overwritten by other bytes, whichever page it is, and never crashes the process', { timeout: 50_000 }, async () => {
    const child = await bundleChild(stores.folder(), 'hub-store-damage-child.ts');
    const whole = await filledStore(60);
    await (async () => {
      const store = stores.open(whole);
      await store.identities.put('sensor', { key: 'k' });
      await store.close();
    })();
    const pages = statSync(join(whole, 'data.mdb')).size / 4096;
    const outcomes: string[] = [];
    // Pages 0 and 1 are the meta pages (tested above); every other page in turn.
    for (let page = 2; page < pages; page += 1) {
      const copy = join(stores.folder(), 'storage');
      cpSync(whole, copy, { recursive: true });
      patch(copy, page * 4096, noise(4096, page));
      const run = spawnSync(process.execPath, [child, copy], { encoding: 'utf8', timeout: 20_000 });
      outcomes.push(`page ${page}: ${run.signal ?? run.status} ${run.stdout.trim().slice(0, 120)}`);
    }
    expect(outcomes.filter((outcome) => !/: 0 (refused|opened|read-error)/.test(outcome))).toEqual([]);
    const refused = outcomes.filter((outcome) => outcome.includes('refused'));
    expect(refused.length).toBeGreaterThan(pages / 2);
    for (const outcome of refused) expect(outcome).toMatch(/data\.mdb is damaged: page \d+/);
  });

  it('creates a new store in a missing folder', async () => {
    const folder = join(stores.folder(), 'a', 'b');
    const store = stores.open(folder);
    await store.messages.append(message('first'), [upstream()]);
    expect(statSync(join(folder, 'data.mdb')).isFile()).toBe(true);
  });
});
