// A progress bar for lint and validate runs over many files, drawn by cli-progress on stderr. Only
// for a person at a terminal (watched-terminal.ts); a pipe, a file or CI gets exactly what it got
// before. It is cleared before the report is printed, so the report is the same with or without it. The library is loaded (synchronously, so the bar
// shows even while the main thread checks files without pause) only once a run turns out to have
// MIN_FILES inputs: a one-file lint, every pre-commit run, never loads it.
import { createRequire } from 'node:module';
import type { SingleBar } from 'cli-progress';
import { BAR_STYLE, barWithPercent } from '../progress-bar-style.js';
import type { ProgressListener } from '../run/run-progress.js';
import { watchedTerminal, type OutputStreams } from './watched-terminal.js';

/** Fewer inputs than this are checked in about a second or less: a bar would only flash. */
export const MIN_FILES = 200;

export interface ProgressDisplay {
  /** The run's listener: draws the bar once the run has MIN_FILES inputs. */
  update: ProgressListener;
  /** Clears the bar, if one was drawn; updates after this draw nothing. */
  stop(): void;
}

/** `verb` names the work, e.g. "linting". Undefined when nobody watches: then the run keeps no count at all. */
export function fileProgressBar(verb: string, streams: OutputStreams, env: NodeJS.ProcessEnv): ProgressDisplay | undefined {
  if (!watchedTerminal(streams, env)) return undefined;
  let bar: SingleBar | undefined;
  let stopped = false;
  return {
    update: (done, total) => {
      if (stopped || total < MIN_FILES) return;
      bar ??= startBar(verb, streams.stderr, total);
      bar.update(done);
    },
    stop: () => {
      stopped = true;
      bar?.stop();
    },
  };
}

/** Runs `run` with the display's listener, and clears the bar however the run ends, before anything else is printed. */
export async function withProgress<T>(display: ProgressDisplay | undefined, run: (onProgress?: ProgressListener) => Promise<T>): Promise<T> {
  try {
    return await run(display?.update);
  } finally {
    display?.stop();
  }
}

function startBar(verb: string, stream: NodeJS.WriteStream, total: number): SingleBar {
  const { SingleBar: Bar, Format } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  const bar = new Bar({
    stream,
    ...BAR_STYLE,
    // The bar's 20 cells keep the line within 80 columns with 10,000 files and the time left.
    format: (options, params) => `${verb} ${barWithPercent(Format.BarFormat, options, params.progress)} │ ${count(params.value)} of ${count(params.total)} files${timeLeft(params.eta)}`,
  });
  bar.start(total, 0);
  return bar;
}

function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** cli-progress's estimate in whole seconds (a word while it cannot tell yet: then nothing). */
function timeLeft(eta: number | string): string {
  if (typeof eta !== 'number' || eta <= 0) return '';
  return eta < 60 ? ` │ ${eta} s left` : ` │ ${Math.round(eta / 60)} min left`;
}
