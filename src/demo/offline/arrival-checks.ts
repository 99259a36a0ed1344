// The resync step's checks of what reached the cloud, sender by sender: the child device's
// readings and the filter's alerts, from the sender's first (reading 0) to the last received,
// with none missing and none out of order; a repeat passes only as an at-least-once re-send
// (numbered-order.ts). The child numbers every reading from 0, across restarts; the filter owes an
// alert for each of the sensor's readings warmer than its threshold (owed-alerts.ts), save those
// the filter process killed in step 3 may have taken with it, which the check names.
import { CloudInbox } from './cloud-inbox.js';
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, PROMISE_WAIT_MS, SENSOR, type DemoContext } from './demo-context.js';
import { DEMO_SENSOR_INTERVAL_MS } from './example-files.js';
import { count, counted } from './narration.js';
import { arrivalFaults, everyNumber, numberedArrival, type NumberedArrival } from './numbered-order.js';
import { owedAlerts } from './owed-alerts.js';
import { waitUntil } from './wait-until.js';

/** Waits for every reading the child sent while cut to reach the cloud, then checks all its readings there; returns whether those arrived. */
export async function checkReadingsArrived(context: DemoContext, sentWhileCut: readonly number[]): Promise<boolean> {
  const { inbox, signal } = context;
  const arrived =
    (await waitUntil(
      async () => {
        await inbox.refresh();
        const inCloud = new Set(CloudInbox.indexes(inbox.from(CHILD_DEVICE, null)));
        return sentWhileCut.every((index) => inCloud.has(index));
      },
      PROMISE_WAIT_MS,
      signal,
    )) === true;
  const arrival = numberedArrival(CloudInbox.indexes(inbox.from(CHILD_DEVICE, null)), everyNumber(0));
  const last = arrival.received.at(-1);
  const faults = [arrived ? '' : `not all ${sentWhileCut.length} readings sent while cut reached the cloud within ${PROMISE_WAIT_MS / 1000} s`, arrivalFaults(arrival)].filter((text) => text !== '');
  context.checks.expect(
    'resync',
    `${CHILD_DEVICE}'s readings reach the cloud with none missing and in the order sent, those stored while cut among them`,
    faults.length === 0 && last !== undefined ? `readings 0–${count(last)}, ${count(sentWhileCut.length)} stored while cut among them; ${repeatsText(arrival)}` : undefined,
    faults.length > 0 ? `${CHILD_DEVICE}'s readings: ${faults.join('; ')}` : `no reading of ${CHILD_DEVICE} reached the cloud`,
  );
  return arrived;
}

/** Checks the filter's alerts in the cloud as they are now (read again first); `filterKilledAtMs`: when step 3 killed it. */
export async function checkAlertsArrived(context: DemoContext, filterKilledAtMs: number | undefined): Promise<void> {
  await context.inbox.refresh();
  const alerts = context.inbox.from(EDGE_DEVICE, FILTER);
  const owed = owedAlerts(alerts);
  const found = numberedArrival(CloudInbox.indexes(alerts), owed.owed);
  const held = filterKilledAtMs === undefined ? () => false : owed.heldByKilledFilter(filterKilledAtMs, DEMO_SENSOR_INTERVAL_MS);
  const lostAtKill = found.missing.filter(held);
  const arrival = { ...found, missing: found.missing.filter((index) => !held(index)) };
  const last = arrival.received.at(-1);
  const unreadable = owed.unreadable.length > 0 ? `the alerts for readings ${owed.unreadable.join(', ')} are not what ${FILTER} makes of ${SENSOR}'s readings (its index and time, the sensor's temperature for it, a lower threshold)` : '';
  const faults = [unreadable, arrivalFaults(arrival)].filter((text) => text !== '');
  const killed = lostAtKill.length > 0 ? `; none for ${lostAtKill.length === 1 ? 'reading' : 'readings'} ${lostAtKill.join(', ')}, made just before ${FILTER} was killed, which may have died with it (the Node SDK acknowledges an input as it receives it: a loss in the module, not in the hub)` : '';
  context.checks.expect(
    'resync',
    `${FILTER}'s alerts reach the cloud with none missing and in the order sent`,
    faults.length === 0 && last !== undefined
      ? `${counted(arrival.received.length, 'alert')}, one for each of ${SENSOR}'s readings 0–${count(last)} warmer than the threshold in force (${owed.thresholds.map((threshold) => `${threshold} °C`).join(', then ')})${killed}; ${repeatsText(arrival)}`
      : undefined,
    faults.length > 0 ? `${FILTER}'s alerts, by reading: ${faults.join('; ')}` : `no alert of ${FILTER} reached the cloud`,
  );
}

function repeatsText(arrival: NumberedArrival): string {
  if (arrival.resent === 0) return 'each arrived once';
  return `${counted(arrival.resent, 'repeat')}, each part of a re-send after a lost link or a restart (at-least-once delivery allows that)`;
}
