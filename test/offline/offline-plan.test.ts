// `edgewise offline plan`: how long a device can stay offline before messages are lost, and why.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { parseByteSize, formatDuration, readByteSize } from '../../src/offline/plan-units.js';
import { readSizeOption } from '../../src/offline/size-option.js';
import { runOfflinePlan } from '../../src/cli/commands/offline-plan.js';
import type { OfflinePlanOptions } from '../../src/offline/plan-offline-file.js';
import { STORE_OVERHEAD_BYTES_PER_MESSAGE, storedBytesPerMessage } from '../../src/offline/store-overhead.js';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'offline');

/** The built CLI (dist/, built by `npm test` first), as a user runs it. */
function edgewise(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function plan(path: string, options: Partial<OfflinePlanOptions> = {}): Promise<any> {
  const result = await runOfflinePlan(path, { rate: 10, size: 512, format: 'json', cwd: ROOT, ...options });
  expect(result.exitCode, result.stderr).toBe(0);
  return JSON.parse(result.stdout);
}

/** A manifest with two upstream routes: one with its own TTL, one inheriting the global one. */
function twoRoutes(globalTtl: number | undefined, routeTtl: number): string {
  const manifest = JSON.parse(readFileSync(join(FIXTURES, 'seed-port-bindings.json'), 'utf8'));
  const hub = manifest.modulesContent.$edgeHub['properties.desired'];
  hub.routes = {
    alarms: { route: 'FROM /messages/modules/sensor/outputs/alarms INTO $upstream', priority: 0, timeToLiveSecs: routeTtl },
    telemetry: { route: 'FROM /messages/modules/sensor/outputs/telemetry INTO $upstream', priority: 1, timeToLiveSecs: 0 },
    local: 'FROM /messages/modules/sensor/outputs/raw INTO BrokeredEndpoint("/modules/filter/inputs/input1")',
  };
  if (globalTtl === undefined) delete hub.storeAndForwardConfiguration;
  else hub.storeAndForwardConfiguration = { timeToLiveSecs: globalTtl };
  return JSON.stringify(manifest);
}

describe('edgewise offline plan', () => {
  it('says the route TTL limits the offline time when the disk is large enough', async () => {
    const result = await plan('templates/offline.json', { disk: 8e9 });
    expect(result.offlineBudgetSecs).toBe(86400);
    expect(result.reason).toBe('ttl');
    expect(result.limitingRoute).toBe('upstream');
    expect(result.storedBytesPerMessage).toBe(684 + STORE_OVERHEAD_BYTES_PER_MESSAGE);
    expect(result.fullAfterSecs).toBeCloseTo(8e9 / (10 * 1708), 3);
    expect(result.peakStoreBytes).toBe(10 * 1708 * (86400 + 1800));
  });

  it('says the disk limits it when it fills before any message expires', async () => {
    const result = await plan('templates/offline.json', { rate: 1000, size: 4096, disk: 2e9 });
    expect(result.reason).toBe('disk');
    expect(result.offlineBudgetSecs).toBeCloseTo(2e9 / (1000 * storedBytesPerMessage(4096)), 6);
    expect(result.notes.join('\n')).toContain('edgeHub refuses new messages');
  });

  it('takes each route TTL, or the global one for 0, and only routes to $upstream', async () => {
    const result = await runOfflinePlan('-', { rate: 5, size: 200, disk: 1e12, readStdin: () => twoRoutes(3600, 600) });
    expect(result.stdout).toContain('alarms     10 min (route)  10 min      TTL expiry');
    expect(result.stdout).toContain('telemetry  1 h (global)    1 h         TTL expiry');
    expect(result.stdout).not.toContain('local');
    expect(result.stdout).toContain('The device can stay offline for 10 min before messages are lost: route "alarms" drops messages older than its TTL of 600 s');
  });

  it('assumes the documented 7200 s without a global TTL, and never expires with a negative one', async () => {
    const none = JSON.parse((await runOfflinePlan('-', { rate: 1, size: 100, format: 'json', readStdin: () => twoRoutes(undefined, 86400) })).stdout);
    expect(none.routes.find((route: any) => route.name === 'telemetry')).toMatchObject({ ttlSecs: 7200, ttlSource: 'default' });
    expect(none.offlineBudgetSecs).toBe(7200);
    const forever = JSON.parse((await runOfflinePlan('-', { rate: 1, size: 100, format: 'json', readStdin: () => twoRoutes(-1, 86400) })).stdout);
    expect(forever.routes.find((route: any) => route.name === 'telemetry')).toMatchObject({ ttlSecs: null, lostAfterSecs: null, reason: 'none' });
    expect(forever.offlineBudgetSecs).toBe(86400);
  });

  it('warns when stored messages would not survive a container restart', async () => {
    const result = await plan('templates/minimal.json');
    expect(result.notes.join('\n')).toContain('edgeHub sets no storageFolder');
    const mounted = await plan('templates/offline.json');
    expect(mounted.notes.join('\n')).not.toContain('storageFolder');
  });

  it('prints a short table by default', async () => {
    const result = await runOfflinePlan('templates/offline.json', { rate: 10, size: 512, disk: 8e9, cwd: ROOT });
    expect(result.stdout).toBe(
      [
        'offline plan for templates/offline.json',
        '  10 msg/s of 512 B; each takes about 1708 B in the store (684 B body as base64 + 1024 B estimated overhead)',
        '  the store grows by 17.1 kB/s, 1.48 GB a day; the disk of 8.00 GB is full after 5 d 10 h',
        '',
        '  route     TTL          lost after  because',
        '  upstream  1 d (route)  1 d         TTL expiry',
        '',
        'The device can stay offline for 1 d before messages are lost: route "upstream" drops messages older than its TTL of 86400 s (the route\'s own timeToLiveSecs).',
        'The store peaks at about 1.51 GB (the longest TTL plus the 1800 s cleanup interval, after which expired messages are deleted).',
        '',
      ].join('\n'),
    );
  });

  it('reads --size and --disk with one grammar, and warns about a disk of a few bytes', async () => {
    const written = await runOfflinePlan('templates/offline.json', { rate: 10, size: '512', disk: '8GB', format: 'json', cwd: ROOT });
    const asText = JSON.parse(written.stdout);
    expect(asText).toEqual(await plan('templates/offline.json', { size: 512, disk: 8e9 }));
    expect(written.stderr).toBe('');
    const kilobytes = await runOfflinePlan('templates/offline.json', { rate: 10, size: '4KB', disk: '8GiB', format: 'json', cwd: ROOT });
    expect(JSON.parse(kilobytes.stdout)).toMatchObject({ messageBytes: 4000, capacityBytes: 8 * 1024 ** 3 });
    const bare = await runOfflinePlan('templates/offline.json', { rate: 10, size: '512', disk: '8', format: 'json', cwd: ROOT });
    expect(bare.exitCode).toBe(0);
    expect(JSON.parse(bare.stdout).capacityBytes).toBe(8); // taken as written: a script may mean it
    expect(bare.stderr).toBe('edgewise: warning: --disk 8 means 8 bytes; did you mean 8GB?\n');
    await expect(runOfflinePlan('templates/offline.json', { rate: 10, size: '4K', cwd: ROOT })).rejects.toThrow('--size 4K: write 4KB (powers of 1000) or 4KiB (powers of 1024)');
  });

  it('refuses missing or wrong numbers', async () => {
    await expect(runOfflinePlan('templates/offline.json', { rate: 0, size: 512, cwd: ROOT })).rejects.toThrow(InputError);
    await expect(runOfflinePlan('templates/offline.json', { rate: 1, size: 1.5, cwd: ROOT })).rejects.toThrow(/--size/);
    await expect(runOfflinePlan('templates/offline.json', { rate: 1, size: 10, disk: -1, cwd: ROOT })).rejects.toThrow(/--disk/);
  });
});

describe('plan units', () => {
  it('reads sizes with units and writes durations', () => {
    expect(parseByteSize('8GB')).toBe(8e9);
    expect(parseByteSize('512 MiB')).toBe(512 * 1024 ** 2);
    expect(parseByteSize('8000')).toBe(8000);
    expect(parseByteSize('eight')).toBeUndefined();
    expect(parseByteSize('256KB')).toBe(256_000);
    expect(parseByteSize('256kib')).toBe(256 * 1024);
    expect(parseByteSize('1.5GB')).toBe(1.5e9);
    expect(parseByteSize('1.5')).toBeUndefined(); // a fraction of a byte
    expect(parseByteSize('0')).toBeUndefined();
    expect(readByteSize('512')).toEqual({ bytes: 512, bare: true });
    expect(readByteSize('512B')).toEqual({ bytes: 512, bare: false });
    expect(formatDuration(90061)).toBe('1 d 1 h');
    expect(formatDuration(3600)).toBe('1 h');
    expect(formatDuration(308.2)).toBe('5 min 8 s');
  });
});

describe('size options', () => {
  it('reach the command as written, from the command line', () => {
    const run = edgewise(['offline', 'plan', 'templates/offline.json', '--rate', '10', '--size', '1KiB', '--disk', '8', '-f', 'json'], ROOT);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ messageBytes: 1024, capacityBytes: 8 });
    expect(run.stderr).toBe('edgewise: warning: --disk 8 means 8 bytes; did you mean 8GB?\n');
    const wrong = edgewise(['offline', 'plan', 'templates/offline.json', '--rate', '10', '--size', 'big'], ROOT);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^edgewise: --size big: expected a whole number of bytes/);
  });

  it('warn on a bare disk size under a mebibyte, naming the likely unit', () => {
    expect(readSizeOption('disk', '8')).toEqual({ bytes: 8, warning: '--disk 8 means 8 bytes; did you mean 8GB?' });
    expect(readSizeOption('disk', '64000')).toEqual({ bytes: 64000, warning: '--disk 64000 means 64000 bytes; did you mean 64000MB?' });
    expect(readSizeOption('disk', '8000000000')).toEqual({ bytes: 8e9 });
    expect(readSizeOption('disk', '512KB')).toEqual({ bytes: 512_000 }); // a unit says it was meant
    expect(readSizeOption('size', '8')).toEqual({ bytes: 8 });
  });

  it('refuse what is not a size, with the grammar', () => {
    expect(() => readSizeOption('disk', 'lots')).toThrow(InputError);
    expect(() => readSizeOption('disk', 'lots')).toThrow(/--disk lots: expected a whole number of bytes \(512\) or a number with a unit .*, e\.g\. --disk 8GB/);
    expect(() => readSizeOption('disk', '8 G')).toThrow('--disk 8 G: write 8GB (powers of 1000) or 8GiB (powers of 1024)');
  });
});
