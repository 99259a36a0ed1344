// How far the backlog held for the cloud at the restore has drained, from the hub's status: the
// messages waiting for the cloud against those held at the restore, until the resync round's
// messages step says every message stored before the reconnect went up.
import type { HubProgress } from './hub-progress.js';

export interface DrainView {
  /** Messages held at the restore that have gone up since. */
  sent: number;
  /** Messages held for the cloud at the restore. */
  backlog: number;
}

/**
 * What to show while following the round that starts after `roundBefore`: undefined when there
 * is no backlog or its messages step failed or was cut short. Messages stored after the restore
 * join the same queue, so until that step is done the count of those sent is a lower bound.
 */
export function drainView(backlog: number, hub: HubProgress, roundBefore: number): DrainView | undefined {
  if (backlog === 0) return undefined;
  const messages = hub.resync.round > roundBefore ? hub.resync.steps.find((step) => step.step === 'messages') : undefined;
  if (messages?.state === 'done') return { sent: backlog, backlog };
  if (messages?.state === 'failed' || messages?.state === 'interrupted') return undefined;
  return { sent: Math.max(0, backlog - hub.waitingForCloud), backlog };
}
