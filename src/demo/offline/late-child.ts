// The child device added in the cloud during the outage, run as a real device (the example's
// thermostat script with its own identity): while cut, the hub has not read its scope since the
// child was added and cannot, so the SDK Client's open is refused; once the resync has read the
// scope again, the same device connects through the hub.
import type { ChildDevice } from './child-device.js';
import { LATE_CHILD_DEVICE, PROMISE_WAIT_MS, type DemoContext } from './demo-context.js';
import { childDeviceOf, type DemoEdge } from './start-demo-edge.js';
import { waitUntil } from './wait-until.js';

/** Starts the late child while cut and checks that the hub refuses it; returns it, for the resync step to start again. */
export async function lateChildRefused(context: DemoContext, edge: DemoEdge['edge']): Promise<ChildDevice> {
  const { checks, narrator, signal } = context;
  const late = await childDeviceOf(context, edge, LATE_CHILD_DEVICE);
  const keyWhileCut = edge.hub.identities.keyOf({ deviceId: LATE_CHILD_DEVICE });
  late.start();
  narrator.say(`child device ${LATE_CHILD_DEVICE} started while cut`);
  const outcome = await openOutcome(late, signal);
  await late.stop();
  checks.expect(
    'offline',
    `child device ${LATE_CHILD_DEVICE}, added in the cloud during the outage, is refused while cut`,
    outcome === 'UnauthorizedError' && keyWhileCut === undefined ? `its SDK Client's open failed with UnauthorizedError: the hub cannot read the device scope while cut` : undefined,
    keyWhileCut !== undefined ? `the hub already held ${LATE_CHILD_DEVICE}'s key while cut` : outcomeText(outcome),
  );
  return late;
}

/** After the resync: the late child starts again and must connect. */
export async function lateChildConnects(context: DemoContext, edge: DemoEdge['edge'], late: ChildDevice, scopeDetail: string | undefined): Promise<void> {
  const { checks, signal } = context;
  const known = await waitUntil(() => edge.hub.identities.keyOf({ deviceId: LATE_CHILD_DEVICE }) !== undefined, PROMISE_WAIT_MS, signal);
  let outcome: string | undefined;
  if (known) {
    late.start();
    outcome = await openOutcome(late, signal);
  }
  checks.expect(
    'resync',
    `the device scope is read again: ${LATE_CHILD_DEVICE}, added during the outage, connects`,
    outcome === 'connected' ? `the hub holds its key${scopeDetail ? ` (scope: ${scopeDetail})` : ''}; its SDK Client connected through the hub` : undefined,
    known ? outcomeText(outcome) : `the hub still does not know ${LATE_CHILD_DEVICE}`,
  );
}

/** How the device's current run opened: 'connected', the name of the error the SDK's open failed with, or undefined when neither happened in time. */
async function openOutcome(device: ChildDevice, signal: AbortSignal): Promise<string | undefined> {
  const run = device.run;
  return waitUntil(() => (device.events('connected', run).length > 0 ? 'connected' : device.events('open-failed', run)[0]?.error), PROMISE_WAIT_MS, signal);
}

function outcomeText(outcome: string | undefined): string {
  if (outcome === undefined) return `its SDK Client neither connected nor failed within ${PROMISE_WAIT_MS / 1000} s`;
  return outcome === 'connected' ? 'its SDK Client connected through the hub' : `its SDK Client's open failed with ${outcome}`;
}
