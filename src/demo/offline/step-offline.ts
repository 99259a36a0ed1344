// Step 3, offline: the upstream is cut (as `edgewise hub upstream cut` does) and stays cut at
// least --outage-seconds. Meanwhile the desired threshold changes in the cloud and a child is
// added there, which the hub refuses; the filter is killed and the agent restarts it, and the
// child device restarts: both authenticate from the hub's cache; telemetry is stored, not lost;
// messages keep flowing between modules; reported properties are accepted at once; the filter's
// direct method on the child still works.
import type { ChildDevice } from './child-device.js';
import { CloudInbox } from './cloud-inbox.js';
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, LATE_CHILD_DEVICE, PROMISE_WAIT_MS, SENSOR, type DemoContext } from './demo-context.js';
import { readHubProgress } from './hub-progress.js';
import { lateChildRefused } from './late-child.js';
import { counted } from './narration.js';
import { restartChild, restartFilter } from './offline-restarts.js';
import type { DemoEdge } from './start-demo-edge.js';
import { DEPLOYED_THRESHOLD } from './step-sync.js';
import { pause, waitUntil } from './wait-until.js';

/** The threshold set in the cloud during the outage: the filter learns it only after the restore. */
export const OFFLINE_THRESHOLD = 22;
/** Readings the child device must have sent while cut before the demo calls them stored. */
const READINGS_WHILE_CUT = 3;
/**
 * Readings the demo learns of this soon after the cut may have gone up before it: the device says
 * "sent" once the hub acknowledged, and the demo reads that line a little later. Only those it
 * learns of after this are counted as sent while cut.
 */
const CUT_SETTLE_MS = 1000;

export interface Outage {
  cutAtMs: number;
  /** The child's readings the hub acknowledged while cut, by index. */
  childSentWhileCut: number[];
  /** Direct method calls the child answered while cut. */
  methodCallsWhileCut: number;
  /** The child added in the cloud during the outage, refused while cut; the resync step starts it again. */
  lateChild: ChildDevice;
  /** When the filter was killed (ms since the epoch), if it was. */
  filterKilledAtMs?: number;
}

export async function offlineStep(context: DemoContext, demoEdge: DemoEdge): Promise<Outage> {
  const { edge, child, methodBlocked } = demoEdge;
  const { checks, narrator, cloud, inbox, signal, options } = context;
  const hub = edge.hub;
  await hub.cut();
  const cutAtMs = Date.now();
  context.setPhase('offline, upstream cut', cutAtMs);
  narrator.say(`$ edgewise hub upstream cut --data ${context.folder.hub}   (from now on the hub cannot reach the cloud)`);
  const deliveredAtCut = readHubProgress(hub).delivered;

  const desired = await cloud.client.updateDesired(EDGE_DEVICE, FILTER, { threshold: OFFLINE_THRESHOLD });
  narrator.say(`$ edgewise cloud twin update ${EDGE_DEVICE}/${FILTER} --desired '{"threshold":${OFFLINE_THRESHOLD}}'   (in the cloud, during the outage)`);
  const stored = await hub.twins.get({ deviceId: EDGE_DEVICE, moduleId: FILTER });
  checks.expect(
    'offline',
    'desired properties change in the cloud during the outage',
    stored.desired.threshold === DEPLOYED_THRESHOLD ? `threshold ${OFFLINE_THRESHOLD} at desired $version ${String(desired.properties.desired.$version)}; the hub's stored twin still says ${DEPLOYED_THRESHOLD} until it reconnects` : undefined,
    `the hub's stored twin already says threshold ${String(stored.desired.threshold)} while cut`,
  );

  await cloud.client.createDevice(LATE_CHILD_DEVICE, { parent: await cloud.client.getDevice(EDGE_DEVICE) });
  narrator.say(`$ edgewise cloud device add ${LATE_CHILD_DEVICE} --parent ${EDGE_DEVICE} --data ${context.folder.cloud}   (a child added during the outage)`);
  const lateChild = await lateChildRefused(context, edge);

  const filterKilledAtMs = await restartFilter(context, edge);
  await restartChild(context, demoEdge);

  const reported = await waitUntil(() => child.events('reported', child.run).length > 0, PROMISE_WAIT_MS, signal);
  const pending = readHubProgress(hub).reportedPending;
  checks.expect(
    'offline',
    'reported properties are accepted offline',
    reported ? `${CHILD_DEVICE}'s {"run": ${child.run}} acknowledged at once, after its getTwin was answered from the stored twin; ${counted(pending, 'patch', 'patches')} wait in the hub` : undefined,
    `${CHILD_DEVICE}'s reported patch was not acknowledged within ${PROMISE_WAIT_MS / 1000} s`,
  );

  const storedEnough = await waitUntil(() => sentSince(child.events('sent'), cutAtMs + CUT_SETTLE_MS).length >= READINGS_WHILE_CUT && readHubProgress(hub).waitingForCloud > 0, PROMISE_WAIT_MS, signal);
  // Readings the hub acknowledged after the cut: none of them may be in the cloud (what was on its way up at the cut may still land).
  const sentWhileCut = sentSince(child.events('sent'), cutAtMs + CUT_SETTLE_MS);
  await inbox.refresh();
  const leaked = CloudInbox.indexes(inbox.from(CHILD_DEVICE, null)).filter((index) => sentWhileCut.includes(index));
  const waiting = readHubProgress(hub).waitingForCloud;
  checks.expect(
    'offline',
    'telemetry is stored while the cloud is away',
    storedEnough && leaked.length === 0 ? `${counted(waiting, 'message')} (alerts and readings) wait in the hub, ${CHILD_DEVICE}'s ${counted(sentWhileCut.length, 'reading')} since the cut among them; none reached the cloud` : undefined,
    storedEnough ? `${CHILD_DEVICE}'s readings ${leaked.join(', ')}, sent after the cut, reached the cloud` : `the hub holds ${waiting} messages for the cloud and ${CHILD_DEVICE} sent ${sentWhileCut.length} readings since the cut`,
  );
  const routed = readHubProgress(hub).delivered - deliveredAtCut;
  checks.expect('offline', 'messages keep flowing between modules through the routes', routed > 0 ? `${counted(routed, 'reading')} delivered ${SENSOR} → ${FILTER} while cut` : undefined, `no message was delivered to a module since the cut`);

  const methodTitle = `direct method ${FILTER} → ${CHILD_DEVICE} through the hub, while offline`;
  if (methodBlocked) {
    checks.skipped('offline', methodTitle, `${methodBlocked.reason}; to enable it: ${methodBlocked.enable}`);
  } else {
    const called = await waitUntil(() => methodCallsSince(child.events('method'), cutAtMs) > 0, PROMISE_WAIT_MS, signal);
    checks.expect('offline', methodTitle, called ? `${CHILD_DEVICE} answered ${counted(methodCallsSince(child.events('method'), cutAtMs), 'alert call')} since the cut` : undefined, `${CHILD_DEVICE} got no alert call within ${PROMISE_WAIT_MS / 1000} s of the cut`);
  }

  const left = cutAtMs + options.outageSeconds * 1000 - Date.now();
  if (left > 0) {
    narrator.say(`the upstream stays cut for ${options.outageSeconds} s in all`);
    await pause(left, signal);
  }
  narrator.counters({ phase: 'offline, before the restore', hub: readHubProgress(hub) });
  return { cutAtMs, childSentWhileCut: sentSince(child.events('sent'), cutAtMs + CUT_SETTLE_MS), methodCallsWhileCut: methodCallsSince(child.events('method'), cutAtMs), lateChild, ...(filterKilledAtMs === undefined ? {} : { filterKilledAtMs }) };
}

function sentSince(events: readonly { atMs: number; index?: number }[], sinceMs: number): number[] {
  return events.filter((event) => event.atMs >= sinceMs && event.index !== undefined).map((event) => event.index!);
}

function methodCallsSince(events: readonly { atMs: number }[], sinceMs: number): number {
  return events.filter((event) => event.atMs >= sinceMs).length;
}
