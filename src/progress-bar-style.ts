// How edgewise draws a cli-progress bar, the same for lint and validate runs (cli/) and for the
// offline demo's drain (demo/): 20 cells of █ and ░ followed by a whole percentage, the line
// cleared when the bar stops. Plain settings and a format step only: each caller loads the library
// itself, when it draws a bar, and says what goes around the bar.
import type { BarFormatter, Options } from 'cli-progress';

/** Short enough that a line with the bar fits 80 columns. */
const BAR_WIDTH = 20;

export const BAR_STYLE = {
  clearOnComplete: true,
  // true: the library cuts the line to the terminal's width itself (false would turn the
  // terminal's line wrapping off, left off if the process is killed).
  linewrap: true,
  hideCursor: false,
  barsize: BAR_WIDTH,
  barCompleteChar: '█',
  barIncompleteChar: '░',
} as const satisfies Options;

/** The bar and its percentage, e.g. "██████░░░░ 60%"; `barFormat` is the loaded library's Format.BarFormat. */
export function barWithPercent(barFormat: BarFormatter, options: Options, progress: number): string {
  return `${barFormat(progress, options)} ${Math.floor(progress * 100)}%`;
}
