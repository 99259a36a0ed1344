// lint and validate over many files on a terminal: run under `script` (util-linux), which gives
// the built CLI a pseudo-terminal for stdout and stderr, they show a progress bar (files done of
// the total, drawn by cli-progress on stderr) and clear it before the report, so that what follows
// the bar is byte for byte what a piped run prints; on two threads too. In CI (CI=true), on a dumb
// terminal, or with stdout piped there is no bar at all, and a run of fewer than MIN_FILES files
// never loads the library (NODE_DEBUG=module shows what Node loads). Without `script` the tests
// are skipped, saying why.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIN_FILES } from '../../../src/cli/progress-bar.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const BIN = join(ROOT, 'bin', 'edgewise.js');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'lint');
const MANY = MIN_FILES + 100;
/** The line cli-progress erases last when the bar stops; the report follows it. */
const ERASE_LINE = '\u001b[2K';
/** SARIF of MANY files is a few megabytes. */
const MAX_OUTPUT = 256 * 1024 * 1024;

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
if (!hasScript) console.warn('progress-terminal.test.ts skipped: `script` (util-linux) is not installed, so no pseudo-terminal can be given to edgewise');

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-progress-'));
  // Manifests with findings of both severities, so every format has something to report.
  const sources = ['mixed.json', 'storage-unbound.json', 'prefix-sibling-modules.json'];
  for (const [name, count] of [['many', MANY], ['few', 10]] as const) {
    mkdirSync(join(folder, name));
    for (let index = 0; index < count; index++) copyFileSync(join(FIXTURES, sources[index % sources.length]!), join(folder, name, `${String(index).padStart(4, '0')}.json`));
  }
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** A person's environment: a terminal that redraws, not CI; no colour, so that a terminal run prints what a pipe gets. */
function personEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', NO_COLOR: '1', EDGEWISE_THREADS: '', ...extra };
  if (!('CI' in extra)) delete env.CI;
  return env;
}

function quoted(words: readonly string[]): string {
  return words.map((word) => `'${word}'`).join(' ');
}

/** Runs edgewise with stdout and stderr on one pseudo-terminal; what it shows, with the terminal's \r\n made \n. */
function onTerminal(args: readonly string[], env = personEnv(), redirect = ''): { code: number | null; screen: string } {
  const run = spawnSync('script', ['-qec', `${quoted([process.execPath, BIN, ...args])}${redirect}`, '/dev/null'], { cwd: folder, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: MAX_OUTPUT });
  return { code: run.status, screen: run.stdout.replaceAll('\r\n', '\n') };
}

function piped(args: readonly string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: folder, env: personEnv(), encoding: 'utf8', maxBuffer: MAX_OUTPUT });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Each state of the bar drawn: percentage, files done, total. */
function barFrames(screen: string, verb: string): { percent: number; done: number; total: number }[] {
  const frame = new RegExp(`${verb} [█░]{20} (\\d+)% │ ([\\d,]+) of ([\\d,]+) files`, 'g');
  const number = (text: string) => Number(text.replaceAll(',', ''));
  return [...screen.matchAll(frame)].map((match) => ({ percent: Number(match[1]), done: number(match[2]!), total: number(match[3]!) }));
}

/** What the terminal shows after the bar's last erase: the report. */
function afterBar(screen: string): string {
  return screen.slice(screen.lastIndexOf(ERASE_LINE) + ERASE_LINE.length);
}

describe.skipIf(!hasScript)('a progress bar on a terminal', () => {
  for (const [format, threads] of [['stylish', '0'], ['json', '2'], ['sarif', '0']] as const) {
    it(`lint --format ${format} --threads ${threads}: a bar up to every file, cleared, then the piped report byte for byte`, () => {
      const args = ['lint', 'many', '--format', format, '--threads', threads];
      const pipe = piped(args);
      expect(pipe.stderr).toBe('');
      expect(pipe.stdout.length).toBeGreaterThan(1000);
      const terminal = onTerminal(args);
      expect(terminal.code).toBe(pipe.code);
      const frames = barFrames(terminal.screen, 'linting');
      expect(frames.length, terminal.screen.slice(0, 2000)).toBeGreaterThan(0);
      for (const frame of frames) expect(frame.total).toBe(MANY);
      expect(frames.at(-1)).toEqual({ percent: 100, done: MANY, total: MANY });
      expect(afterBar(terminal.screen)).toBe(pipe.stdout);
      // Nothing of the report was printed before the bar was gone.
      expect(terminal.screen.indexOf(pipe.stdout.slice(0, 40))).toBeGreaterThan(terminal.screen.lastIndexOf(ERASE_LINE));
    });
  }

  it('validate: a bar too, then the piped report', () => {
    const args = ['validate', 'many', '--format', 'json'];
    const pipe = piped(args);
    const terminal = onTerminal(args);
    expect(terminal.code).toBe(pipe.code);
    expect(barFrames(terminal.screen, 'validating').at(-1)).toEqual({ percent: 100, done: MANY, total: MANY });
    expect(afterBar(terminal.screen)).toBe(pipe.stdout);
  });

  it('none in CI, on a dumb terminal, or with stdout piped: the output is what a pipe gets', () => {
    const args = ['lint', 'many', '--format', 'stylish'];
    const pipe = piped(args);
    for (const env of [personEnv({ CI: 'true' }), personEnv({ TERM: 'dumb' })]) {
      const terminal = onTerminal(args, env);
      expect(terminal.code).toBe(pipe.code);
      expect(terminal.screen).toBe(pipe.stdout);
    }
    const report = join(folder, 'report.txt');
    const redirected = onTerminal(args, personEnv(), ` > '${report}'`);
    expect(redirected.screen).toBe('');
    expect(readFileSync(report, 'utf8')).toBe(pipe.stdout);
  });

  it(`a run of fewer than ${MIN_FILES} files shows no bar and never loads the library`, () => {
    const loads = (args: string[]) => onTerminal(args, personEnv({ NODE_DEBUG: 'module' })).screen.includes('cli-progress');
    // The probe sees the library when a bar is drawn…
    expect(loads(['lint', 'many'])).toBe(true);
    // …and not for one file (every pre-commit run) or a few.
    expect(loads(['lint', 'few/0000.json'])).toBe(false);
    expect(loads(['validate', 'few'])).toBe(false);
    const few = onTerminal(['lint', 'few']);
    expect(few.screen).toBe(piped(['lint', 'few']).stdout);
  });
});
