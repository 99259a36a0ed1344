// `edgewise demo offline [--address A] [--outage-seconds N] [--keep]`: runs IoT Edge's offline
// scenario end to end on this machine (src/demo/offline) and narrates it: live counters redrawn
// in place on a terminal, plain lines when piped. Exit 0 only if every check held, 1 naming the
// checks that did not (with the last lines the hub, the agent and the child device logged, on
// stderr), 130 when stopped by Ctrl-C.
import { isIP } from 'node:net';
import { InputError } from '../../errors.js';
import { DEMO_DEFAULTS, type DemoReport } from '../../demo/offline/demo-types.js';
import { liveNarrator, plainNarrator } from '../../demo/offline/narration.js';
import { runOfflineDemo } from '../../demo/offline/run-offline-demo.js';
import type { CommandResult } from '../command-result.js';

export interface DemoOfflineOptions {
  address?: string;
  outageSeconds?: number;
  keep?: boolean;
}

export interface DemoOfflineIo {
  /** Writes to stdout at once (the narration is live). */
  out(text: string): void;
  /** stdout is a terminal: redraw the counters in place. */
  isTTY: boolean;
  columns(): number;
  color: boolean;
  stop: AbortSignal;
}

/** The exit code of a command stopped by SIGINT, as shells report it. */
const INTERRUPTED = 130;

export async function runDemoOffline(options: DemoOfflineOptions, io: DemoOfflineIo): Promise<CommandResult> {
  const address = options.address ?? DEMO_DEFAULTS.address;
  if (!isIP(address)) throw new InputError(`--address ${address} is not an IP address; give a loopback address, e.g. 127.0.0.1`, 'invalid-option');
  const output = { write: io.out, color: io.color };
  const narrator = io.isTTY ? liveNarrator(output, io.columns) : plainNarrator(output);
  const report = await runOfflineDemo({ address, outageSeconds: options.outageSeconds ?? DEMO_DEFAULTS.outageSeconds, keep: options.keep ?? DEMO_DEFAULTS.keep }, { narrator, signal: io.stop });
  return demoResult(report);
}

/** Exit 0 when every check held (skipped ones included), 1 naming those that did not, with the recent log on stderr; 130 when stopped. */
export function demoResult(report: DemoReport): CommandResult {
  if (report.interrupted) return { exitCode: INTERRUPTED, stdout: '', stderr: '', files: [] };
  const failed = report.checks.filter((check) => check.state === 'failed');
  if (failed.length === 0) return { exitCode: 0, stdout: '', stderr: '', files: [] };
  const names = failed.map((check) => `${check.step}: ${check.title}`).join('; ');
  const log = report.recentLog.length > 0 ? `the last lines the hub, the agent and the child device logged:\n${report.recentLog.join('\n')}\n` : '';
  return { exitCode: 1, stdout: '', stderr: `edgewise demo offline: did not hold: ${names}\n${log}`, files: [] };
}
