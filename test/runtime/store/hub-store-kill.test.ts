// Nothing acknowledged is lost when the process dies: a child process appends in a loop and prints
// every append that resolved; it is killed with SIGKILL mid-stream (commits in flight); the store,
// opened again, holds every printed message, in append order. Without sync (commits not flushed)
// this is the process-kill guarantee; the operating system still has the written pages.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, eventually, ScratchHubStores } from './hub-store-support.js';

const stores = new ScratchHubStores();
let child: string;
beforeAll(async () => {
  child = await bundleChild(stores.folder());
});
afterAll(() => stores.cleanUp());

async function killMidStream(syncMode: 'sync' | 'nosync'): Promise<{ acknowledged: number[]; folder: string }> {
  const folder = `${stores.folder()}/storage`;
  const process_ = spawn(process.execPath, [child, folder, syncMode, '64', '100000000'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let errors = '';
  process_.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  process_.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const closed = new Promise<void>((resolve) => process_.on('close', () => resolve()));
  await eventually(() => (output.match(/^ok /gm)?.length ?? 0) >= 3_000 || errors !== '', 'the child acknowledging 3,000 appends');
  expect(errors).toBe('');
  process_.kill('SIGKILL');
  await closed;
  expect(process_.signalCode).toBe('SIGKILL');
  const acknowledged = [...output.matchAll(/^ok (\d+)$/gm)].map((match) => Number(match[1]));
  return { acknowledged, folder };
}

describe('a SIGKILL while appending', () => {
  for (const syncMode of ['nosync', 'sync'] as const) {
    it(`loses no acknowledged append (${syncMode})`, async () => {
      const { acknowledged, folder } = await killMidStream(syncMode);
      const store = stores.open(folder);
      const stored = store.messages.read('$upstream', 2_000_000_000, 0, 100_000_000, Date.now()).map((entry) => Number(entry.message.properties.n));
      const kept = new Set(stored);
      expect(acknowledged.length).toBeGreaterThanOrEqual(3_000);
      expect(acknowledged.filter((n) => !kept.has(n))).toEqual([]);
      // Appends commit in call order: what survived is a prefix 0..k-1, in order.
      expect(stored).toEqual(stored.map((_, index) => index));
      expect(store.messages.status(0).messages).toBe(stored.length);
      // The store keeps working after the crash.
      await store.messages.append(
        {
          source: { deviceId: 'sensor' },
          properties: {},
          systemProperties: {},
          body: Buffer.from('after'),
          enqueuedAtMs: 0,
        },
        [{ endpoint: '$upstream', priority: 2_000_000_000, ttlSeconds: -1 }],
      );
      expect(store.messages.status(0).messages).toBe(stored.length + 1);
    });
  }
});
