// The backlog's drain on a terminal: a cli-progress bar in the place of the live counters line,
// redrawn by the library (at most ten times a second) and cleared when the drain ends. The
// narrator owns the terminal and the words, so the library writes through the narrator's output,
// told the terminal's width, and the narrator's caption frames the bar. The library is loaded
// only when a bar is drawn (a terminal, a backlog).
import { createRequire } from 'node:module';
import { BAR_STYLE, barWithPercent } from '../../progress-bar-style.js';
import type { DrainView } from './backlog-drain.js';

export interface DrainBar {
  update(view: DrainView): void;
  /** Clears the bar's line. */
  stop(): void;
}

/** `caption` puts the bar (with its percentage) into the line shown, e.g. "  ▸ draining ███░░ 60% │ 6 of 10 sent". */
export function startDrainBar(output: { write(text: string): void }, width: number, view: DrainView, caption: (bar: string, view: DrainView) => string): DrainBar {
  const { SingleBar, Format } = createRequire(import.meta.url)('cli-progress') as typeof import('cli-progress');
  // What cli-progress uses of a stream: write (it draws with escape sequences), isTTY and columns.
  const write = (text: string): boolean => {
    output.write(text);
    return true;
  };
  const terminal = { isTTY: true, columns: width, write } as unknown as NodeJS.WriteStream;
  const bar = new SingleBar({
    stream: terminal,
    // linewrap (in the style): the library cuts the line to `width` itself.
    ...BAR_STYLE,
    format: (options, params) => caption(barWithPercent(Format.BarFormat, options, params.progress), { sent: params.value, backlog: params.total }),
  });
  bar.start(view.backlog, view.sent);
  return {
    update: ({ sent, backlog }) => {
      bar.setTotal(backlog);
      bar.update(sent);
    },
    stop: () => bar.stop(),
  };
}
