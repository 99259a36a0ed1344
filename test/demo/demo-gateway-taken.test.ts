// `edgewise demo offline` where port 443 of its address is taken by another program (on a
// laptop it is more often not allowed, EACCES; the tests run as root, so a held port stands in):
// the hub's gateway takes a port the system chooses, every other step runs and holds, and the
// direct-method step is skipped, saying which step it was, why, and how to enable it; exit 0.
// Without --keep its folder is gone at the end.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataFolderOf, DEMO_GUARD_MS, runDemo, summaryOf } from './demo-support.js';

const ADDRESS = '127.0.16.2';
let holder: Server | undefined;

beforeAll(async () => {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(443, ADDRESS, resolve);
  }).catch((error: NodeJS.ErrnoException) => {
    // Not root: 443 cannot be held, and the demo meets EACCES instead, which it treats the same way.
    if (error.code !== 'EACCES') throw error;
  });
  if (server.listening) holder = server;
});

afterAll(async () => {
  await new Promise<void>((resolve) => (holder ? holder.close(() => resolve()) : resolve()));
});

describe('edgewise demo offline when port 443 is taken', () => {
  it('runs every step but the direct method, says which it skipped and how to enable it, and exits 0', async () => {
    const run = await runDemo(['--address', ADDRESS, '--outage-seconds', '2']);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    const gateway = /edge hub of edge-device on mqtts:\/\/\S+ and https:\/\/127\.0\.16\.2:(\d+);/.exec(run.stdout);
    expect(Number(gateway?.[1])).not.toBe(443);

    const reason = holder
      ? `${ADDRESS}:443 is in use by another program, and ModuleClient.invokeMethod calls the hub on 443 only; to enable it: stop what listens on ${ADDRESS}:443, or give the demo another loopback address (--address 127.0.0.2)`
      : `port 443 of ${ADDRESS} needs root or CAP_NET_BIND_SERVICE`;
    expect(run.stdout).toContain(`  - SKIPPED direct method filter → thermostat through the hub, while offline: ${reason}`);
    const summary = summaryOf(run.stdout);
    expect(summary).toContain('  methods     skipped (see below)');
    expect(summary.filter((line) => line.startsWith('  skipped'))).toEqual([
      '  skipped     sync: direct method filter → thermostat through the hub, while connected',
      '  skipped     offline: direct method filter → thermostat through the hub, while offline',
    ]);
    expect(summary.some((line) => line.startsWith('    because   ') && line.includes(reason))).toBe(true);
    expect(summary.find((line) => line.startsWith('  checks'))).toMatch(/^ {2}checks {6}\d+ held, 2 skipped, 0 failed$/);
    expect(summary.at(-1)).toMatch(/^every check held: (\d+) of \1, 2 skipped \(exit 0\)$/);
    expect(existsSync(dataFolderOf(run.stdout)), 'the temporary folder is removed').toBe(false);
  }, DEMO_GUARD_MS);
});
