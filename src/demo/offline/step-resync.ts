// Step 4, reconnect and resync: the upstream comes back (as `edgewise hub upstream restore`
// does) and the hub catches up in the documented order: the stored messages (every numbered
// message in the cloud is checked for gaps and order); the reported properties of every identity; the desired properties changed in the
// cloud meanwhile, pushed to the clients; the device scope, read again. The round's four steps
// are shown as the hub's status reports them; their effects are checked in the cloud.
import { checkAlertsArrived, checkReadingsArrived } from './arrival-checks.js';
import { drainView } from './backlog-drain.js';
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, PROMISE_WAIT_MS, type DemoContext } from './demo-context.js';
import { RESYNC_STEPS, type ResyncStepView, type ResyncView } from '../../runtime/hub/resync.js';
import { readHubProgress } from './hub-progress.js';
import { lateChildConnects } from './late-child.js';
import { count, counted } from './narration.js';
import type { DemoEdge } from './start-demo-edge.js';
import { OFFLINE_THRESHOLD, type Outage } from './step-offline.js';
import { waitUntil } from './wait-until.js';

export interface Resynced {
  restoredAtMs: number;
  heldAtRestore: number;
  deliveredAfterRestore: number;
  /** One short phrase per thing reconciled. */
  reconciled: string[];
}

const ENDED = new Set(['done', 'failed', 'interrupted']);

export async function resyncStep(context: DemoContext, { edge, child }: DemoEdge, outage: Outage): Promise<Resynced> {
  const { checks, narrator, cloud, inbox, signal } = context;
  const hub = edge.hub;
  const before = readHubProgress(hub);
  const heldAtRestore = before.waitingForCloud;
  const roundBefore = before.resync.round;
  await inbox.refresh();
  const inboxAtRestore = inbox.count;
  await hub.restore();
  const restoredAtMs = Date.now();
  context.setPhase('reconnected, resyncing', restoredAtMs);
  narrator.say(`$ edgewise hub upstream restore --data ${context.folder.hub}   (${counted(heldAtRestore, 'message')} and the twins' changes wait for the cloud)`);
  const reconciled: string[] = [];

  const round = await followRound(context, edge, roundBefore, heldAtRestore);

  const arrived = await checkReadingsArrived(context, outage.childSentWhileCut);
  if (arrived) reconciled.push(`${counted(heldAtRestore, 'stored message')} delivered`);

  const childReported = await waitUntil(async () => (await cloud.client.getTwin(CHILD_DEVICE)).properties.reported.run === child.run, PROMISE_WAIT_MS, signal);
  const pending = await waitUntil(() => readHubProgress(hub).reportedPending === 0, PROMISE_WAIT_MS, signal);
  checks.expect(
    'resync',
    'the reported properties sent offline reach the cloud',
    childReported && pending ? `${CHILD_DEVICE}'s twin in the cloud reports run ${child.run}; the hub's pending patches went from ${count(before.reportedPending)} to 0` : undefined,
    childReported ? `the hub still holds ${counted(readHubProgress(hub).reportedPending, 'reported patch', 'reported patches')}` : `the cloud's twin of ${CHILD_DEVICE} does not report run ${child.run}`,
  );
  if (childReported) reconciled.push(`${CHILD_DEVICE}'s reported run ${child.run}`);

  const desired = await waitUntil(async () => (await cloud.client.getTwin(EDGE_DEVICE, FILTER)).properties.reported.threshold === OFFLINE_THRESHOLD, PROMISE_WAIT_MS, signal);
  checks.expect(
    'resync',
    'the desired change made during the outage reaches the module',
    desired ? `${FILTER} applied threshold ${OFFLINE_THRESHOLD} and reported it back` : undefined,
    `${FILTER} still reports threshold ${String((await cloud.client.getTwin(EDGE_DEVICE, FILTER)).properties.reported.threshold)}`,
  );
  if (desired) reconciled.push(`${FILTER}'s desired threshold ${OFFLINE_THRESHOLD}`);
  // After the desired change, so that the alerts looked at may show both thresholds.
  await checkAlertsArrived(context, outage.filterKilledAtMs);

  checkRound(context, round, reconciled);
  await lateChildConnects(context, edge, outage.lateChild, round?.steps.find((step) => step.step === 'scope')?.detail);
  const expired = readHubProgress(hub).expired;
  checks.expect('resync', 'no stored message expired', expired === 0 ? 'every route keeps messages 86,400 s' : undefined, `${counted(expired, 'message')} expired`);
  narrator.counters({ phase: 'after the resync', hub: readHubProgress(hub) });
  return { restoredAtMs, heldAtRestore, deliveredAfterRestore: inbox.count - inboxAtRestore, reconciled };
}

/**
 * Shows each step of the round after `roundBefore` as it ends, and the drain of the `backlog`
 * until its messages step ends; resolves with the round once all four have ended (undefined if
 * they do not).
 */
async function followRound(context: DemoContext, edge: DemoEdge['edge'], roundBefore: number, backlog: number): Promise<ResyncView | undefined> {
  const shown = new Set<string>();
  try {
    return await waitUntil(
      () => {
        const progress = readHubProgress(edge.hub);
        if (!shown.has('messages')) context.narrator.drain(drainView(backlog, progress, roundBefore));
        const view = progress.resync;
        if (view.round <= roundBefore) return undefined;
        for (const step of view.steps) {
          if (!ENDED.has(step.state) || shown.has(step.step)) continue;
          shown.add(step.step);
          context.narrator.say(resyncStepLine(view.round, step));
        }
        return view.steps.every((step) => ENDED.has(step.state)) ? view : undefined;
      },
      PROMISE_WAIT_MS * 2,
      context.signal,
    );
  } finally {
    context.narrator.drain(undefined);
  }
}

/** What a step's count counts (HubStatus.resync, issue 14's contract). */
const COUNTED: Record<ResyncStepView['step'], [string, string]> = {
  messages: ['message delivered', 'messages delivered'],
  reported: ['reported patch accepted', 'reported patches accepted'],
  desired: ['client given a desired patch', 'clients given a desired patch'],
  scope: ['identity in the scope', 'identities in the scope'],
};

/** "hub status: resync 2: messages done, 1,204 messages delivered in 0.4 s": what the hub's status says of one step. */
export function resyncStepLine(round: number, step: ResyncStepView): string {
  const took = step.startedAt && step.finishedAt ? ` in ${((Date.parse(step.finishedAt) - Date.parse(step.startedAt)) / 1000).toFixed(1)} s` : '';
  const [singular, plural] = COUNTED[step.step];
  return `hub status: resync ${round}: ${step.step} ${step.state}, ${counted(step.count, singular, plural)}${took}${step.detail ? ` (${step.detail})` : ''}`;
}

/** The round's four steps, all done and one after the other (each finished before the next started); the scope's is the last. */
function checkRound(context: DemoContext, round: ResyncView | undefined, reconciled: string[]): void {
  const { checks } = context;
  const title = 'the hub resyncs in the documented order: messages, reported, desired, scope';
  if (round === undefined) {
    checks.failed('resync', title, `the hub's status showed no round after the restore whose four steps all ended within ${(2 * PROMISE_WAIT_MS) / 1000} s`);
    return;
  }
  const steps = RESYNC_STEPS.map((name) => round.steps.find((step) => step.step === name));
  const notDone = steps.filter((step) => step?.state !== 'done');
  const outOfOrder = steps.some((step, position) => position > 0 && step?.startedAt !== undefined && steps[position - 1]?.finishedAt !== undefined && Date.parse(step.startedAt) < Date.parse(steps[position - 1]!.finishedAt!));
  checks.expect(
    'resync',
    title,
    notDone.length === 0 && !outOfOrder ? steps.map((step) => `${step!.step} ${count(step!.count)}`).join(' → ') : undefined,
    notDone.length > 0 ? `round ${round.round}: ${notDone.map((step) => `${step?.step ?? '?'} ${step?.state ?? 'missing'}${step?.detail ? ` (${step.detail})` : ''}`).join(', ')}` : `round ${round.round}: a step started before the one before it ended`,
  );
  const scope = steps[3];
  if (scope?.state === 'done') reconciled.push(`the device scope (${counted(scope.count, 'identity', 'identities')}${scope.detail ? `, ${scope.detail}` : ''})`);
}
