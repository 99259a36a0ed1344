// What every step of the demo works with: the options, the narration and the checks, the cloud
// (the emulator and what reached it), the example, where the log goes, and the stop signal.
import type { SeededCloud } from '../../runtime/cloud/seeded-cloud.js';
import type { CheckList } from './check-list.js';
import type { CloudInbox } from './cloud-inbox.js';
import type { DemoFolder } from './demo-folder.js';
import type { OfflineDemoOptions } from './demo-types.js';
import type { DemoExample } from './example-files.js';
import type { Narrator } from './narration.js';

/** The identities of the demo. */
export const EDGE_DEVICE = 'edge-device';
export const CHILD_DEVICE = 'thermostat';
/** A child device added in the cloud during the outage: the hub learns of it when it reads its scope again. */
export const LATE_CHILD_DEVICE = 'thermostat-2';
/** A second edge device, only to show that a child cannot get a second parent. */
export const OTHER_EDGE_DEVICE = 'edge-device-2';
export const FILTER = 'filter';
export const SENSOR = 'sensor';

/** How long the demo waits for something the documentation promises before it counts as not held (generous: a busy machine starts node processes slowly). */
export const PROMISE_WAIT_MS = 30_000;

export interface DemoContext {
  options: OfflineDemoOptions;
  narrator: Narrator;
  checks: CheckList;
  signal: AbortSignal;
  /** The hub's, the agent's and the child device's lines, kept for the end. */
  log: (line: string) => void;
  folder: DemoFolder;
  example: DemoExample;
  cloud: SeededCloud;
  inbox: CloudInbox;
  /** What the live counters line says the demo is doing. */
  setPhase(phase: string, sinceMs?: number): void;
  /** Stops this when the demo ends, last registered first. */
  onClose(close: () => Promise<void> | void): void;
}
