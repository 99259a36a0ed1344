// The progress bar of lint and validate (src/cli/progress-bar.ts): drawn only for a person at a
// terminal (stdout and stderr terminals, not CI, not TERM=dumb), only once a run has MIN_FILES
// inputs, and cleared before anything else is printed, however the run ends. cli-progress draws
// it here on a stand-in terminal that records what it is sent; test/cli/progress/ has the runs on
// a real pseudo-terminal.
import { describe, expect, it } from 'vitest';
import { fileProgressBar, MIN_FILES, withProgress } from '../../../src/cli/progress-bar.js';
import { watchedTerminal, type OutputStreams } from '../../../src/cli/watched-terminal.js';

/** A terminal 80 columns wide that keeps what is written to it. */
function terminal(isTTY = true): { written: string[]; stream: NodeJS.WriteStream } {
  const written: string[] = [];
  const stream = { isTTY, columns: 80, write: (text: string) => written.push(text) > 0 };
  return { written, stream: stream as unknown as NodeJS.WriteStream };
}

function streams(stdoutIsTTY = true, stderrIsTTY = true): OutputStreams & { written: string[] } {
  const { written, stream } = terminal(stderrIsTTY);
  return { stdout: { isTTY: stdoutIsTTY }, stderr: stream, written };
}

const ERASE_LINE = '\u001b[2K';

describe('who sees a progress bar', () => {
  it('a person at a terminal: both outputs are terminals, not CI, not TERM=dumb', () => {
    expect(watchedTerminal(streams(), { TERM: 'xterm-256color' })).toBe(true);
    // NO_COLOR is about colour: the bar has none, so it stays.
    expect(watchedTerminal(streams(), { NO_COLOR: '1' })).toBe(true);
    expect(watchedTerminal(streams(), { CI: 'false' })).toBe(true);
  });

  it('nobody when either output is piped or a file, in CI, or on a dumb terminal', () => {
    expect(watchedTerminal(streams(false, true), {})).toBe(false);
    expect(watchedTerminal(streams(true, false), {})).toBe(false);
    for (const ci of ['true', '1', 'yes', 'TRUE']) expect(watchedTerminal(streams(), { CI: ci })).toBe(false);
    expect(watchedTerminal(streams(), { TERM: 'dumb' })).toBe(false);
  });

  it('gives the run no listener at all when nobody watches, so the run keeps no count', () => {
    expect(fileProgressBar('linting', streams(false, true), {})).toBeUndefined();
    expect(fileProgressBar('linting', streams(), { CI: 'true' })).toBeUndefined();
  });
});

describe('the bar', () => {
  it(`is not drawn for a run of fewer than ${MIN_FILES} inputs`, () => {
    const output = streams();
    const display = fileProgressBar('linting', output, {})!;
    display.update(0, MIN_FILES - 1);
    display.update(MIN_FILES - 1, MIN_FILES - 1);
    display.stop();
    expect(output.written).toEqual([]);
  });

  it('shows the files done of the total on stderr, and is cleared when stopped', () => {
    const output = streams();
    const display = fileProgressBar('linting', output, {})!;
    display.update(0, 2400);
    display.update(1200, 2400);
    display.stop();
    const text = output.written.join('');
    expect(text).toContain(`linting ${'░'.repeat(20)} 0% │ 0 of 2,400 files`);
    expect(text).toContain(`linting ${'█'.repeat(10)}${'░'.repeat(10)} 50% │ 1,200 of 2,400 files`);
    // The last thing written erases the line, so what is printed next starts on a clean line.
    expect(output.written.at(-1)).toBe(ERASE_LINE);
    // Nothing after the stop: a late report from a thread draws no new bar.
    const count = output.written.length;
    display.update(2400, 2400);
    expect(output.written.length).toBe(count);
  });

  it('is cleared before the run\'s error goes on, when the run fails', async () => {
    const output = streams();
    const display = fileProgressBar('validating', output, {})!;
    const failing = withProgress(display, async (onProgress) => {
      onProgress!(0, 500);
      throw new Error('no manifests under nowhere/');
    });
    await expect(failing).rejects.toThrow('no manifests under nowhere/');
    expect(output.written.join('')).toContain('validating');
    expect(output.written.at(-1)).toBe(ERASE_LINE);
  });

  it('passes no listener when there is no display', async () => {
    expect(await withProgress(undefined, async (onProgress) => onProgress)).toBeUndefined();
  });
});
