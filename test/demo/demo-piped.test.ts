// `edgewise demo offline` as a smoke test, piped (as in CI): the built CLI runs the four steps of
// IoT Edge's offline scenario with the emulator, the hub, the agent, the example's SDK modules and
// a child device on this file's own loopback address, prints plain lines (no control
// characters), shows the hub's four resync steps in the documented order, ends with the summary
// (what it did not try, and a verdict that counts the checks made), and exits 0 because every
// check held. With --keep its folder stays, with the modules' logs.
// Also: a bad option is a one-line usage error.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFolderOf, DEMO_GUARD_MS, mayBindPrivilegedPorts, resyncSteps, runDemo, summaryOf } from './demo-support.js';

const ADDRESS = '127.0.16.1';
const kept: string[] = [];

afterAll(() => {
  for (const folder of kept) rmSync(folder, { recursive: true, force: true });
});

describe('edgewise demo offline, piped', () => {
  it('runs the four steps, every check holds, and it says so in plain lines and a summary (exit 0)', async () => {
    const run = await runDemo(['--address', ADDRESS, '--outage-seconds', '3', '--keep']);
    const folder = dataFolderOf(run.stdout);
    kept.push(folder);
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).not.toMatch(/[\r\u001b]/);

    const steps = [...run.stdout.matchAll(/^step (\d) of 4, (\w+)/gm)].map((match) => `${match[1]} ${match[2]}`);
    expect(steps).toEqual(['1 configure', '2 sync', '3 offline', '4 reconnect']);
    for (const promise of [
      'child device thermostat added with parent edge-device',
      'a second parent for thermostat is refused',
      'child device thermostat authenticates through the edge hub',
      'telemetry is stored while the cloud is away',
      "module filter restarts and authenticates from the hub's cache",
      "child device thermostat restarts and authenticates from the hub's cache",
      'reported properties are accepted offline',
      "child device thermostat-2, added in the cloud during the outage, is refused while cut",
      "thermostat's readings reach the cloud with none missing and in the order sent, those stored while cut among them",
      "filter's alerts reach the cloud with none missing and in the order sent",
      'the desired change made during the outage reaches the module',
      'the hub resyncs in the documented order',
      'the device scope is read again: thermostat-2, added during the outage, connects',
    ]) {
      expect(run.stdout).toContain(`  ✓ ${promise}`);
    }
    expect(resyncSteps(run.stdout)).toEqual(['messages done', 'reported done', 'desired done', 'scope done']);

    const summary = summaryOf(run.stdout);
    const skipped = mayBindPrivilegedPorts() ? 0 : 2;
    const held = Number(/^ {2}checks {6}(\d+) held/.exec(summary.find((line) => line.startsWith('  checks')) ?? '')?.[1]);
    expect(summary.find((line) => line.startsWith('  checks'))).toBe(`  checks      ${held} held, ${skipped} skipped, 0 failed`);
    // The verdict counts the checks made, each of which is a ✓ line above; a skipped one is not counted as held.
    expect(run.stdout.split('\n').filter((line) => line.startsWith('  ✓ ')).length).toBe(held);
    expect(summary.at(-1)).toBe(`every check held: ${held} of ${held}${skipped > 0 ? `, ${skipped} skipped` : ''} (exit 0)`);
    expect(summary).toContain("  not tried   here, but proven by edgewise's tests in test/e2e/offline/:");
    if (skipped === 0) expect(run.stdout).toMatch(/  ✓ direct method filter → thermostat through the hub, while offline: thermostat answered \d+ alert calls? since the cut/);
    else expect(summary).toContain('  skipped     offline: direct method filter → thermostat through the hub, while offline');

    expect(summary.find((line) => line.startsWith('  kept'))).toBe(`  kept        ${folder} (the modules' output: edgewise logs filter --data ${folder}/hub)`);
    expect(readFileSync(join(folder, 'hub', 'logs', 'filter.log'), 'utf8')).toContain('filter: connected as edge-device/filter');
    expect(existsSync(join(folder, 'hub', 'hub.json')), 'the hub stopped: no hub.json').toBe(false);
  }, DEMO_GUARD_MS);

  it('refuses an address that is not one, and an outage that is not a number, in one line (exit 2)', async () => {
    const badAddress = await runDemo(['--address', 'localhost']);
    expect(badAddress).toMatchObject({ code: 2, stdout: '', stderr: 'edgewise: --address localhost is not an IP address; give a loopback address, e.g. 127.0.0.1\n' });
    const badOutage = await runDemo(['--outage-seconds', 'ten']);
    expect(badOutage.code).toBe(2);
    expect(badOutage.stderr).toContain('expected a whole number, e.g. --outage-seconds 10');
  }, DEMO_GUARD_MS);
});
