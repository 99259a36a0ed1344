// Fault: a corrupted or truncated store at start, for the emulator's store and the hub's.
//
// Injected: a data.mdb truncated at half, cut by its last page, emptied, both lmdb headers
// overwritten, one header damaged, another program's lmdb store in its place, and every page in
// turn overwritten with noise (each page once: about 40 pages, a child process each); then, with
// the real executable, a truncated and a garbled store under `edgewise cloud serve`, and a truncated
// hub store under `edgewise run`.
// Checked: a typed refusal (exit 2 and one line at the CLI: `edgewise: the … store in DIR cannot be
// opened: REASON. Stop …, move that folder aside …; edgewise never deletes it`), never a crash
// (no signal, no stack trace), the damaged file byte for byte as it was, and the documented
// recovery working: the folder moved aside, the server starts on an empty store, and the moved
// folder is still whole.
// The hub store's in-process cases (nine kinds of damage, every page overwritten) are in
// test/runtime/store/hub-store-open.test.ts, and a non-lmdb file under `edgewise run` in
// test/runtime/hub/cli/hub-cli.test.ts; this file adds a real hub store truncated under `edgewise run`.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCloud } from '../../src/runtime/cloud/cloud-server.js';
import { ServiceClient } from '../../src/runtime/cloud/service-client.js';
import { dataFileDamage } from '../../src/runtime/store/hub-store-check.js';
import { openHubStore } from '../../src/runtime/store/hub-store.js';
import { CloudStoreOpenError, openCloudStore } from '../../src/runtime/store/open-store.js';
import { BIN, ROOT, runCli } from '../runtime/cloud/cloud-support.js';
import { hubManifest, STANDARD_ROUTES, waitFor } from '../runtime/hub/assembly/hub-support.js';
import { startServer, type StartedServer } from './support/edgewise-run.js';

/** This file's loopback block (127.0.20.0/24), so that nothing here meets another test's servers. */
const ADDRESS = '127.0.20.1';
/** No cloud listens here: `edgewise run` starts offline and keeps retrying. */
const OFFLINE_CS = 'HostName=127.0.0.1:9;DeviceId=edge;SharedAccessKey=' + Buffer.alloc(32, 1).toString('base64');
const PAGE = 4096;

const folders: string[] = [];
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-store-damage-'));
  folders.push(folder);
  return folder;
}

/** Overwrites bytes of a file at `position`. */
function patch(file: string, position: number, bytes: Buffer): void {
  const fd = openSync(file, 'r+');
  writeSync(fd, bytes, 0, bytes.length, position);
  closeSync(fd);
}

/** Bytes that look random, the same for the same seed. */
function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = (seed * 2654435761 + 1) >>> 0;
  for (let index = 0; index < length; index += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

/** Every file of a folder with its bytes, to show that a refusal changed nothing (lock.mdb by name only: lmdb's reader table, not data). */
function snapshot(folder: string): Map<string, Buffer> {
  return new Map(readdirSync(folder).map((name) => [name, name === 'lock.mdb' ? Buffer.alloc(0) : readFileSync(join(folder, name))]));
}

function expectUnchanged(folder: string, before: Map<string, Buffer>): void {
  const after = snapshot(folder);
  expect([...after.keys()].sort()).toEqual([...before.keys()].sort());
  for (const [name, bytes] of before) expect(after.get(name)!.equals(bytes), `${name} changed`).toBe(true);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** An emulator data folder whose closed store holds 60 devices (two large, on overflow pages) and 150 messages: about 40 pages. */
async function filledCloudFolder(): Promise<string> {
  const folder = tempFolder();
  const store = openCloudStore(folder);
  const writes: Promise<unknown>[] = [];
  for (let index = 0; index < 60; index += 1) {
    writes.push(store.devices.put(`device-${index}`, { deviceId: `device-${index}`, tags: 'x'.repeat(index % 30 === 0 ? 9_000 : 300) }));
  }
  for (let index = 1; index <= 150; index += 1) writes.push(store.telemetry.put(index, { deviceId: `device-${index % 60}`, body: 'y'.repeat(400) }));
  await Promise.all(writes);
  await store.settings.put('iothubowner', 'key');
  await store.close();
  return folder;
}

/** A copy of a data folder, to damage without touching the original. */
function copyOf(folder: string): string {
  const copy = join(tempFolder(), 'cloud');
  cpSync(folder, copy, { recursive: true });
  return copy;
}

function refusal(folder: string): CloudStoreOpenError {
  try {
    const store = openCloudStore(folder);
    void store.close();
  } catch (error) {
    expect(error).toBeInstanceOf(CloudStoreOpenError);
    return error as CloudStoreOpenError;
  }
  throw new Error(`the store in ${folder} opened`);
}

/** Bundles the child-process entry with lmdb left outside (found through a node_modules link), so a plain `node` runs it. */
async function bundleChild(entry: string): Promise<string> {
  const { build } = await import('esbuild');
  const folder = tempFolder();
  const outfile = join(folder, entry.replace(/\.ts$/, '.mjs'));
  await build({ entryPoints: [join(import.meta.dirname, entry)], bundle: true, platform: 'node', format: 'esm', target: 'node20', external: ['lmdb'], outfile, logLevel: 'silent' });
  symlinkSync(join(ROOT, 'node_modules'), join(folder, 'node_modules'), 'dir');
  return outfile;
}

/** Runs the bundled child on a data folder; a hang past 20 s is killed and shows as SIGKILL. */
function runChild(child: string, folder: string): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const run = spawn(process.execPath, [child, folder], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    let stdout = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    run.on('error', reject);
    run.on('close', (status, signal) => resolve({ status, signal, stdout }));
  });
}

/** Starts the CLI and resolves once it printed its first stdout line (it listens then). */
function startCli(args: string[]): Promise<StartedServer> {
  return startServer(args, { children });
}

/** Runs the CLI to its end; one still running after 20 s (a damaged store it served) is killed and shows as SIGKILL. */
function runToEnd(args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, timeout: 20_000, killSignal: 'SIGKILL' });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

async function stop(started: StartedServer): Promise<void> {
  started.child.kill('SIGTERM');
  expect(await started.exited).toMatchObject({ code: 0 });
}

describe('the emulator store, damaged at start (openCloudStore)', () => {
  let whole: string;
  beforeAll(async () => {
    whole = await filledCloudFolder();
  });

  it('refuses a truncated, cut, emptied or garbled data.mdb with the recovery, and changes nothing on disk', () => {
    // The control: the whole store opens with everything in it.
    const control = openCloudStore(copyOf(whole));
    expect(control.devices.getKeysCount()).toBe(60);
    expect(control.telemetry.getKeysCount()).toBe(150);
    void control.close();

    const damages: [string, (data: string) => void, RegExp][] = [
      ['truncated at half', (data) => truncateSync(data, Math.floor(statSync(data).size / 2 / PAGE) * PAGE), /truncated/],
      ['cut by its last page', (data) => truncateSync(data, statSync(data).size - PAGE), /truncated|page \d+ its data needs lies past/],
      ['emptied', (data) => truncateSync(data, 0), /empty/],
      ['both headers overwritten', (data) => (patch(data, 0, Buffer.alloc(64, 0x5a)), patch(data, PAGE, Buffer.alloc(64, 0x5a))), /no valid lmdb header/],
      ['one header damaged', (data) => patch(data, PAGE + 24, Buffer.alloc(4, 0)), /damaged lmdb header \(meta page 1\)/],
    ];
    for (const [what, damage, reason] of damages) {
      const folder = copyOf(whole);
      const store = join(folder, 'store');
      damage(join(store, 'data.mdb'));
      const before = snapshot(store);
      const error = refusal(folder);
      expect(error.message, what).toMatch(reason);
      expect(error.message).toContain(`the emulator store in ${store} cannot be opened: data.mdb`);
      expect(error.message).toMatch(/move that folder aside \(for example rename it to .*\.broken\).*edgewise never deletes it$/);
      expect(error.code).toBe('store-corrupt');
      expectUnchanged(store, before);
    }
  });

  it("refuses the hub's store in its place, and writes nothing into it", async () => {
    const folder = tempFolder();
    const hub = openHubStore(join(folder, 'store'), { minFreeDiskBytes: 0 });
    await hub.messages.append({ source: { deviceId: 'sensor' }, properties: {}, systemProperties: {}, body: Buffer.from('queued'), enqueuedAtMs: 0 }, [{ endpoint: '$upstream', priority: 0, ttlSeconds: -1 }]);
    await hub.close();
    const before = snapshot(join(folder, 'store'));
    expect(refusal(folder).message).toMatch(/it is an lmdb store but not the emulator's \(it holds /);
    expectUnchanged(join(folder, 'store'), before);
    // The hub still opens its store, whole.
    const again = openHubStore(join(folder, 'store'), { minFreeDiskBytes: 0 });
    expect(again.messages.read('$upstream', 0, 0, 10, 0).map((entry) => entry.message.body.toString())).toEqual(['queued']);
    await again.close();
  });

  it('refuses or opens a store with any one page overwritten by noise, and never crashes the process', { timeout: 80_000 }, async () => {
    const child = await bundleChild('cloud-store-damage-child.ts');
    const pages = statSync(join(whole, 'store', 'data.mdb')).size / PAGE;
    // Pages 0 and 1 are the headers (above); every other page in turn, two child processes at a time.
    const outcomes: string[] = [];
    const pageNumbers = Array.from({ length: pages - 2 }, (_, index) => index + 2);
    const tryPage = async (page: number): Promise<void> => {
      const copy = copyOf(whole);
      patch(join(copy, 'store', 'data.mdb'), page * PAGE, noise(PAGE, page));
      const run = await runChild(child, copy);
      outcomes.push(`page ${page}: ${run.signal ?? run.status} ${run.stdout.trim().slice(0, 160)}`);
      rmSync(dirname(copy), { recursive: true, force: true });
    };
    const worker = async (): Promise<void> => {
      for (let page = pageNumbers.shift(); page !== undefined; page = pageNumbers.shift()) await tryPage(page);
    };
    await Promise.all([worker(), worker()]);
    const count = (kind: string): number => outcomes.filter((outcome) => outcome.includes(`: 0 ${kind}`)).length;
    console.log(`store-damage: ${pages - 2} pages overwritten one at a time (load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}): ${count('refused')} refused at open, ${count('opened')} opened (a page no tree reaches), ${count('read-error')} read errors`);
    expect(outcomes.filter((outcome) => !/: 0 (refused|opened|read-error)/.test(outcome))).toEqual([]);
    const refused = outcomes.filter((outcome) => outcome.includes('refused'));
    expect(refused.length).toBeGreaterThan((pages - 2) / 2);
    for (const outcome of refused) expect(outcome).toMatch(/the emulator store in .* cannot be opened: data\.mdb is damaged: page \d+/);
  });
});

describe('edgewise cloud serve on a damaged store (the real executable)', () => {
  let served: string;
  beforeAll(async () => {
    // A store the emulator made and used: certificates, keys, two devices.
    served = tempFolder();
    const cloud = await startCloud({ dataFolder: served, address: ADDRESS, mqttPort: 0, httpsPort: 0 });
    const client = ServiceClient.fromDataFolder(served);
    await client.createDevice('edge', { edge: true });
    await client.createDevice('sensor');
    await cloud.close();
  });

  const serveArgs = (folder: string): string[] => ['cloud', 'serve', '--data', folder, '--address', ADDRESS, '--mqtt-port', '0', '--https-port', '0'];

  it('stops with one line naming the folder and the recovery (exit 2), deletes nothing, and starts again once the folder is moved aside', async () => {
    const folder = copyOf(served);
    const store = join(folder, 'store');
    truncateSync(join(store, 'data.mdb'), Math.floor(statSync(join(store, 'data.mdb')).size / 2 / PAGE) * PAGE);
    const before = snapshot(store);
    const refused = await runToEnd(serveArgs(folder));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^edgewise: the emulator store in ${escape(store)} cannot be opened: data\\.mdb is truncated[^\\n]*move that folder aside[^\\n]*edgewise never deletes it\\n$`));
    expectUnchanged(store, before);
    expect(existsSync(join(folder, 'cloud.json'))).toBe(false);
    expect(existsSync(join(folder, 'serve.lock'))).toBe(false);

    // The documented recovery: move the folder aside and start again, on an empty store.
    renameSync(store, `${store}.broken`);
    const started = await startCli(serveArgs(folder));
    expect(started.line).toMatch(/^edgewise cloud: local-hub listening on mqtts:\/\//);
    expect(await ServiceClient.fromDataFolder(folder).listDevices()).toEqual([]);
    await stop(started);
    expectUnchanged(`${store}.broken`, before);
  });

  it('stops at a garbled page with exit 2, where lmdb would have crashed the process', async () => {
    // A page the trees reach: the first one the file check finds (it reads the file; lmdb never maps it here).
    let folder: string | undefined;
    const pages = statSync(join(served, 'store', 'data.mdb')).size / PAGE;
    for (let page = 2; page < pages && folder === undefined; page += 1) {
      const copy = copyOf(served);
      patch(join(copy, 'store', 'data.mdb'), page * PAGE, noise(PAGE, page));
      if (dataFileDamage(join(copy, 'store')) === undefined) rmSync(dirname(copy), { recursive: true, force: true });
      else folder = copy;
    }
    expect(folder, 'no page of the served store is reached by its trees').toBeDefined();
    const store = join(folder!, 'store');
    const before = snapshot(store);
    const refused = await runToEnd(serveArgs(folder!));
    expect(refused).toMatchObject({ code: 2, signal: null, stdout: '' });
    expect(refused.stderr).toMatch(new RegExp(`^edgewise: the emulator store in ${escape(store)} cannot be opened: data\\.mdb is damaged: page \\d+[^\\n]*move that folder aside[^\\n]*\\n$`));
    expectUnchanged(store, before);
  });
});

describe('edgewise run on a truncated hub store (the real executable)', () => {
  it('stops with one line naming the folder and the recovery (exit 2), deletes nothing, and starts again once the folder is moved aside', async () => {
    const dir = tempFolder();
    const data = join(dir, 'data');
    const storage = join(data, 'storage');
    // A hub store holding 2,000 queued messages, then cut to half its size.
    const hub = openHubStore(storage, { minFreeDiskBytes: 0 });
    await Promise.all(
      Array.from({ length: 2_000 }, (_, index) =>
        hub.messages.append({ source: { deviceId: 'child-a' }, properties: {}, systemProperties: {}, body: Buffer.from(`${index}:${'x'.repeat(1_000)}`), enqueuedAtMs: Date.now() }, [
          { endpoint: '$upstream', priority: 0, ttlSeconds: -1 },
        ]),
      ),
    );
    await hub.close();
    truncateSync(join(storage, 'data.mdb'), Math.floor(statSync(join(storage, 'data.mdb')).size / 2 / PAGE) * PAGE);
    const before = snapshot(storage);
    const manifest = join(dir, 'deployment.json');
    writeFileSync(manifest, `${JSON.stringify(hubManifest(STANDARD_ROUTES), null, 2)}\n`);
    const args = ['run', manifest, '--connection-string', OFFLINE_CS, '--data', data, '--address', ADDRESS, '--mqtt-port', '0', '--https-port', '0'];

    const refused = await runToEnd(args);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^edgewise: the hub store in ${escape(storage)} cannot be opened: data\\.mdb is truncated[^\\n]*move that folder aside[^\\n]*edgewise never deletes it\\n$`));
    expectUnchanged(storage, before);
    expect(readdirSync(data)).not.toContain('hub.json');
    expect(readdirSync(data)).not.toContain('serve.lock');

    renameSync(storage, `${storage}.broken`);
    const started = await startCli(args);
    expect(started.line).toMatch(/^edgewise run: edge hub of edge listening on mqtts:\/\//);
    // Asked again while the hub is busy starting (a busy machine): a hang bound, not a speed claim.
    const status = await waitFor('hub status to answer', async () => {
      const answer = await runCli(['hub', 'status', '--data', data]);
      return answer.code === 0 ? answer : undefined;
    }, 30_000);
    expect((JSON.parse(status.stdout) as { queues: { depth: number }[] }).queues.every((queue) => queue.depth === 0)).toBe(true);
    await stop(started);
    expectUnchanged(`${storage}.broken`, before);
  }, 60_000);
});
