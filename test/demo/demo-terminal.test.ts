// `edgewise demo offline` on a terminal: run under `script` (util-linux), which gives it a
// pseudo-terminal, the narration scrolls above one counters line (stored, delivered, expired,
// reported-pending) redrawn in place with a carriage return and an erase, never wider than the
// terminal (script's has no size: taken as 80 columns), through every phase of the scenario;
// the run still ends with the summary and exit 0. Without `script` the test is skipped, saying why.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, DEMO_GUARD_MS, runToEnd, summaryOf, personTerminalEnv } from './demo-support.js';

const ADDRESS = '127.0.16.3';
const ERASE = '\r\u001b[2K';
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.log('demo-terminal.test.ts skipped: `script` (util-linux) is not installed, so no pseudo-terminal can be given to the demo');

/** Each state of the counters line, in the order drawn. */
function liveLines(output: string): string[] {
  return output
    .split(ERASE)
    .map((part) => part.split(/[\r\n]/)[0]!)
    .filter((line) => line.startsWith('  ▸ '));
}

describe.skipIf(!hasScript)('edgewise demo offline on a terminal', () => {
  it('redraws its counters line in place through the scenario, and ends with the summary (exit 0)', async () => {
    const command = [process.execPath, BIN, 'demo', 'offline', '--address', ADDRESS, '--outage-seconds', '3'].map((word) => `'${word}'`).join(' ');
    const run = await runToEnd('script', ['-qfec', command, '/dev/null'], undefined, personTerminalEnv());
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

    const live = liveLines(run.stdout);
    expect(live.length).toBeGreaterThan(3);
    for (const phase of ['sync', 'offline, upstream cut']) expect(live.some((line) => line.startsWith(`  ▸ ${phase}`))).toBe(true);
    expect(live.some((line) => / │ stored [\d,]+ · delivered [\d,]+ · expired [\d,]+ · reported-pending/.test(line))).toBe(true);
    for (const line of live) expect([...line].length).toBeLessThanOrEqual(79);

    const summary = summaryOf(run.stdout.replaceAll('\r\n', '\n').replaceAll(ERASE, ''));
    expect(summary.at(-1)).toMatch(/^every check held: (\d+) of \1(, \d+ skipped)? \(exit 0\)$/);
  }, DEMO_GUARD_MS);
});
