// Hub stores in fresh temp folders for tests: opened, reopened to prove what is on disk, and all
// closed and removed at the end.
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openHubStore, type HubStore, type HubStoreOptions, type StoreMessage } from '../../../src/runtime/store/hub-store.js';
import { waitFor as pollUntil } from '../../support/wait-for.js';

export class ScratchHubStores {
  private readonly folders: string[] = [];
  private readonly opened: HubStore[] = [];

  folder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-hub-store-'));
    this.folders.push(folder);
    return folder;
  }

  fresh(options: HubStoreOptions = {}): { folder: string; store: HubStore } {
    const folder = join(this.folder(), 'storage');
    return { folder, store: this.open(folder, options) };
  }

  open(folder: string, options: HubStoreOptions = {}): HubStore {
    const store = openHubStore(folder, options);
    this.opened.push(store);
    return store;
  }

  async reopen(store: HubStore, options: HubStoreOptions = {}): Promise<HubStore> {
    await store.close();
    return this.open(store.path, options);
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.opened.map((store) => store.close()));
    for (const folder of this.folders) rmSync(folder, { recursive: true, force: true });
  }
}

export function message(text: string, enqueuedAtMs = 1_000_000, deviceId = 'sensor'): StoreMessage {
  return {
    source: { deviceId },
    properties: {},
    systemProperties: {},
    body: Buffer.from(text),
    enqueuedAtMs,
  };
}

export const upstream = (ttlSeconds = -1, priority = 2_000_000_000) => ({
  endpoint: '$upstream',
  priority,
  ttlSeconds,
});

/** The body texts of a queue's live entries, in order. */
export function texts(store: HubStore, endpoint: string, priority: number, nowMs = 1_000_000, after = 0): string[] {
  return store.messages.read(endpoint, priority, after, 1_000_000, nowMs).map((entry) => entry.message.body.toString());
}

/** Waits (polling) until `condition` holds, up to 20 s. */
export async function eventually(condition: () => boolean, what: string): Promise<void> {
  await pollUntil(what, condition);
}

/**
 * Bundles a child-process entry of this folder (hub-store-child.ts by default) into `folder`, lmdb
 * left outside and found through a node_modules link to this checkout's, so a plain `node` child
 * process can run the store's TypeScript.
 */
export async function bundleChild(folder: string, entry = 'hub-store-child.ts'): Promise<string> {
  const { build } = await import('esbuild');
  const root = join(import.meta.dirname, '..', '..', '..');
  const outfile = join(folder, entry.replace(/\.ts$/, '.mjs'));
  await build({
    entryPoints: [join(import.meta.dirname, entry)],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['lmdb'],
    outfile,
    logLevel: 'silent',
  });
  if (!existsSync(join(folder, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return outfile;
}
