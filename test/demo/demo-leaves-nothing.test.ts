// After `edgewise demo offline` ends (piped, without --keep, exit 0), nothing it started is left:
// no module or child-device process, and no temporary folder. A process is the demo's when its
// environment or command line names the demo's temporary folder: the agent gives each module its
// workload socket there (IOTEDGE_WORKLOADURI) and each child device its edge CA (EDGE_CA_FILE),
// while the demo's own process names it nowhere. The test watches /proc while the demo runs, so
// it knows the marker finds the sensor, the filter and the child device; once the demo has
// exited, no process may carry it. Linux only (/proc).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dataFolderOf, DEMO_GUARD_MS, runDemo } from './demo-support.js';

const ADDRESS = '127.0.16.4';
const WATCH_MS = 100;

interface MarkedProcess {
  pid: number;
  /** The script it runs (sensor.mjs, filter.mjs, thermostat.mjs), or its whole command line. */
  script: string;
}

/** Every process of this user whose environment or command line holds `marker`. */
function processesNaming(marker: string): MarkedProcess[] {
  const found: MarkedProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const command = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter((part) => part !== '');
      const environment = readFileSync(`/proc/${entry}/environ`, 'utf8');
      if (!environment.includes(marker) && !command.some((part) => part.includes(marker))) continue;
      const script = command.find((part) => part.endsWith('.mjs'));
      found.push({ pid: Number(entry), script: script === undefined ? command.join(' ') : basename(script) });
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

let watcher: NodeJS.Timeout | undefined;
afterAll(() => clearInterval(watcher));

describe.runIf(process.platform === 'linux')('edgewise demo offline leaves nothing behind', () => {
  it('stops every module and child device it started and removes its folder (piped, exit 0)', async () => {
    let folder: string | undefined;
    const seen = new Map<number, string>();
    watcher = setInterval(() => {
      if (folder === undefined) return;
      for (const found of processesNaming(folder)) seen.set(found.pid, found.script);
    }, WATCH_MS);
    const run = await runDemo(['--address', ADDRESS, '--outage-seconds', '3'], (stdout) => {
      if (folder === undefined && /^data in \S+ \(/m.test(stdout)) folder = dataFolderOf(stdout);
    });
    clearInterval(watcher);
    const root = dataFolderOf(run.stdout);

    // The marker found what the demo runs: the modules (the filter twice: killed, then restarted by the agent) and the child device.
    const scripts = [...seen.values()];
    for (const script of ['sensor.mjs', 'filter.mjs', 'thermostat.mjs']) expect(scripts, `${script} was never seen carrying the marker`).toContain(script);
    expect(scripts.filter((script) => script === 'filter.mjs').length).toBeGreaterThanOrEqual(2);

    expect(processesNaming(root), 'processes the demo started, still running after it exited').toEqual([]);
    expect(existsSync(root), `${root} is still there`).toBe(false);
    expect(run.stdout).toContain('(removed at the end; --keep keeps it)');
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  }, DEMO_GUARD_MS);
});
