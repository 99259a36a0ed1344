// The seams of `edgewise demo offline`: its options, the four steps of IoT Edge's offline
// scenario, the checks that prove each step (data, rendered only by the narration and the
// summary), and the figures the summary reports.

/** IoT Edge's offline documentation walks through these four steps, in this order. */
export type DemoStep = 'configure' | 'sync' | 'offline' | 'resync';

export const DEMO_STEPS: readonly { step: DemoStep; title: string }[] = [
  { step: 'configure', title: 'configure: a child device behind the edge device' },
  { step: 'sync', title: 'sync: the edge device connects once and stores its scope' },
  { step: 'offline', title: 'offline: the upstream is cut' },
  { step: 'resync', title: 'reconnect and resync' },
];

export interface OfflineDemoOptions {
  /** The loopback (or interface) address everything listens on. */
  address: string;
  /** How long the upstream stays cut at least. */
  outageSeconds: number;
  /** Keep the temporary folder (data of the emulator and the hub, module logs). */
  keep: boolean;
}

export const DEMO_DEFAULTS: Readonly<OfflineDemoOptions> = { address: '127.0.0.1', outageSeconds: 10, keep: false };

/** held: the documentation's promise was seen to hold; skipped: it could not be tried here (and `detail` says how to enable it). */
export type CheckState = 'held' | 'failed' | 'skipped';

export interface DemoCheck {
  step: DemoStep;
  /** What was promised, e.g. "the child device authenticates through the edge hub". */
  title: string;
  state: CheckState;
  /** What was seen; for a failure, what was missing; for a skip, why and how to enable it. */
  detail?: string;
}

/** The figures of the one-screen summary. */
export interface DemoFigures {
  /** Messages the cloud received from the filter (alerts) and from the child device (readings). */
  alertsInCloud: number;
  readingsInCloud: number;
  /** How long the upstream was cut, in whole seconds. */
  outageSeconds: number;
  /** Messages for the cloud the hub held when the upstream came back. */
  heldAtRestore: number;
  /** Messages the cloud received after the restore. */
  deliveredAfterRestore: number;
  /** Direct method calls the child device answered, while connected and while cut. */
  methodCalls: { connected: number; offline: number };
  /** The hub's counters at the end. */
  counters: { stored: number; delivered: number; expired: number };
  /** What reconciled after the restore, one short phrase each. */
  reconciled: string[];
}

export interface DemoReport {
  checks: DemoCheck[];
  figures: DemoFigures;
  /** The temporary folder, when kept. */
  keptFolder?: string;
  /** Stopped by a signal before it ended. */
  interrupted: boolean;
  /** The last lines the hub, the agent and the child device logged: what to read when a check failed. */
  recentLog: string[];
}

/** Thrown out of a step when the demo is stopped (Ctrl-C): what was started is still closed. */
export class DemoInterrupted extends Error {
  override name = 'DemoInterrupted';
}
