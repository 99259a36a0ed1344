// How the demo tells what it does: step headings, narration lines, each check as it is made,
// the counters, and at the end the summary. Two narrators share the words: a live one for a
// terminal (a counters line at the bottom, redrawn in place, and while the backlog drains after
// the restore a progress bar in its place) and a plain one for a pipe or a file (lines only). The
// demo never writes itself: the CLI gives the writer.
import type { DrainView } from './backlog-drain.js';
import type { DemoCheck } from './demo-types.js';
import { startDrainBar, type DrainBar } from './drain-bar.js';
import type { HubProgress } from './hub-progress.js';

export interface ProgressView {
  /** Where the demo is, e.g. "offline, upstream cut 4 s". */
  phase: string;
  hub: HubProgress;
}

export interface Narrator {
  /** A line of its own, not indented: what the demo is and where its data is. */
  title(text: string): void;
  step(number: number, title: string): void;
  say(text: string): void;
  check(check: DemoCheck): void;
  /** The live counters: redrawn in place on a terminal, ignored when piped. */
  progress(view: ProgressView): void;
  /** The counters as a line of their own (at the end of a step). */
  counters(view: ProgressView): void;
  /** The backlog draining to the cloud: a progress bar on a terminal until undefined or the next line, ignored when piped. */
  drain(view: DrainView | undefined): void;
  /** Lines printed as they are, after the live line is gone (the summary). */
  finish(lines: readonly string[]): void;
}

export interface NarratorOutput {
  write(text: string): void;
  /** Colour (on a terminal, without NO_COLOR). */
  color: boolean;
}

const MARKS: Record<DemoCheck['state'], { text: string; color: string }> = {
  held: { text: '✓', color: '\u001b[32m' },
  failed: { text: '✗ FAILED', color: '\u001b[31m' },
  skipped: { text: '- SKIPPED', color: '\u001b[33m' },
};
const RESET = '\u001b[0m';

export function checkLine(check: DemoCheck, color: boolean): string {
  const mark = MARKS[check.state];
  const shown = color ? `${mark.color}${mark.text}${RESET}` : mark.text;
  return `  ${shown} ${check.title}${check.detail === undefined ? '' : `: ${check.detail}`}`;
}

export function stepLine(number: number, title: string): string {
  return `step ${number} of 4, ${title}`;
}

/** stored · delivered · expired · reported-pending, and what waits for the cloud. */
export function countersText(hub: HubProgress): string {
  return `stored ${count(hub.stored)} · delivered ${count(hub.delivered)} · expired ${count(hub.expired)} · reported-pending ${count(hub.reportedPending)} · waiting for the cloud ${count(hub.waitingForCloud)}`;
}

export function count(value: number): string {
  return value.toLocaleString('en-US');
}

/** "1 alert", "2 alerts": a count with its noun. */
export function counted(value: number, singular: string, plural = `${singular}s`): string {
  return `${count(value)} ${value === 1 ? singular : plural}`;
}

/** Lines only: a pipe or a file gets no control characters. */
export function plainNarrator(output: NarratorOutput): Narrator {
  const line = (text: string): void => output.write(`${text}\n`);
  return {
    title: (text) => line(text),
    step: (number, title) => line(`\n${stepLine(number, title)}`),
    say: (text) => line(`  ${text}`),
    check: (check) => line(checkLine(check, output.color)),
    progress: () => undefined,
    counters: (view) => line(`  counters (${view.phase}): ${countersText(view.hub)}`),
    drain: () => undefined,
    finish: (lines) => {
      for (const text of lines) line(text);
    },
  };
}

const CLEAR_LINE = '\r\u001b[2K';

/** On a terminal: the narration scrolls above one counters line that is redrawn in place, cut to the terminal's width so it never wraps. */
export function liveNarrator(output: NarratorOutput, columns: () => number): Narrator {
  let live = '';
  let drainBar: DrainBar | undefined;
  const endDrain = (): void => {
    drainBar?.stop();
    drainBar = undefined;
  };
  // A line of narration ends the drain's bar: the counters line comes back under it.
  const line = (text: string): void => {
    endDrain();
    output.write(`${CLEAR_LINE}${text}\n${live}`);
  };
  const bold = (text: string): string => (output.color ? `\u001b[1m${text}${RESET}` : text);
  return {
    title: (text) => line(text),
    step: (number, title) => line(`\n${bold(stepLine(number, title))}`),
    say: (text) => line(`  ${text}`),
    check: (check) => line(checkLine(check, output.color)),
    progress: (view) => {
      // The four counters first, so a narrow terminal cuts what matters least.
      live = fitted(`  ▸ ${view.phase} │ ${countersText(view.hub)}`, columns());
      if (!drainBar) output.write(`${CLEAR_LINE}${live}`);
    },
    counters: (view) => line(`  counters (${view.phase}): ${countersText(view.hub)}`),
    drain: (view) => {
      if (view === undefined) {
        if (!drainBar) return;
        endDrain();
        output.write(`${CLEAR_LINE}${live}`);
      } else if (drainBar) {
        drainBar.update(view);
      } else {
        // The bar takes the counters line's place (erased first, so that the bar starts clean).
        output.write(CLEAR_LINE);
        drainBar = startDrainBar(output, lineWidth(columns()), view, drainCaption);
      }
    },
    finish: (lines) => {
      endDrain();
      live = '';
      output.write(CLEAR_LINE);
      for (const text of lines) output.write(`${text}\n`);
    },
  };
}

/** "  ▸ draining ████░░ 60% │ 724 of 1,204 stored messages sent up". */
export function drainCaption(bar: string, view: DrainView): string {
  return `  ▸ draining ${bar} │ ${count(view.sent)} of ${counted(view.backlog, 'stored message')} sent up`;
}

/** The live line's width: one less than the terminal's, so it never wraps; a terminal that does not say its width (0) is taken as 80 columns wide. */
function lineWidth(columns: number): number {
  return Math.max(20, (columns > 0 ? columns : 80) - 1);
}

function fitted(text: string, columns: number): string {
  const width = lineWidth(columns);
  const characters = [...text];
  return characters.length <= width ? text : `${characters.slice(0, width - 1).join('')}…`;
}
