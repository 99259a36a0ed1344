// `edgewise demo offline` on a terminal (under `script`, a pseudo-terminal): after the restore the
// backlog held for the cloud drains under a progress bar (cli-progress) in the live line's place,
// up to every stored message, within the terminal's width (script's has none: 80 columns), and the
// demo still ends with its summary and exit 0. Piped, the demo prints no control characters at all
// (demo-piped.test.ts). Without `script` the test is skipped, saying why.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, DEMO_GUARD_MS, runToEnd, summaryOf, personTerminalEnv } from './demo-support.js';

const ADDRESS = '127.0.18.1';
const ERASE = '\r\u001b[2K';
const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('progress-drain.test.ts skipped: `script` (util-linux) is not installed, so no pseudo-terminal can be given to the demo');

/** Each state of the drain's bar drawn: percentage, sent, backlog, and the line as drawn. */
function drainFrames(output: string): { percent: number; sent: number; backlog: number; line: string }[] {
  const number = (text: string) => Number(text.replaceAll(',', ''));
  return output
    .split('\u001b[1G')
    .map((part) => part.split('\u001b')[0]!)
    .flatMap((line) => {
      const match = /^ {2}▸ draining [█░]{20} (\d+)% │ ([\d,]+) of ([\d,]+) stored messages? sent up$/.exec(line);
      return match ? [{ percent: Number(match[1]), sent: number(match[2]!), backlog: number(match[3]!), line }] : [];
    });
}

describe.skipIf(!hasScript)('edgewise demo offline on a terminal: the drain', () => {
  it('shows the backlog draining under a bar up to every stored message, then ends with the summary (exit 0)', async () => {
    const command = [process.execPath, BIN, 'demo', 'offline', '--address', ADDRESS, '--outage-seconds', '3'].map((word) => `'${word}'`).join(' ');
    const run = await runToEnd('script', ['-qfec', command, '/dev/null'], undefined, personTerminalEnv());
    expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);

    const held = Number(/\(([\d,]+) messages? and the twins' changes wait for the cloud\)/.exec(run.stdout)?.[1]?.replaceAll(',', ''));
    expect(held).toBeGreaterThan(0);
    const frames = drainFrames(run.stdout);
    expect(frames.length, run.stdout).toBeGreaterThan(0);
    for (const frame of frames) {
      expect(frame.backlog).toBe(held);
      expect([...frame.line].length).toBeLessThanOrEqual(79);
    }
    expect(frames.at(-1)).toMatchObject({ percent: 100, sent: held });
    // The bar is drawn after the restore and gone before the messages step is told.
    const restore = run.stdout.indexOf('$ edgewise hub upstream restore');
    const messagesDone = run.stdout.indexOf('messages done');
    const firstFrame = run.stdout.indexOf('  ▸ draining');
    expect(restore).toBeLessThan(firstFrame);
    expect(run.stdout.lastIndexOf('  ▸ draining')).toBeLessThan(messagesDone);

    const summary = summaryOf(run.stdout.replaceAll('\r\n', '\n').replaceAll(ERASE, ''));
    expect(summary.at(-1)).toMatch(/^every check held: (\d+) of \1(, \d+ skipped)? \(exit 0\)$/);
  }, DEMO_GUARD_MS);
});
