// Which alerts the example's filter owed the cloud. The sensor numbers its readings from 0 and
// their temperature is a function of the number; the filter handles them one at a time, in order,
// and alerts on each one warmer than its threshold, writing the threshold it applied into the
// alert. So, given the alerts that arrived, every reading from 0 to the last alerted one is owed an
// alert or not. The threshold changes once during the demo (set in the cloud while cut, applied
// after the resync): between two alerts that name different thresholds, any moment of the switch
// that explains what arrived is taken.
// One loss is the module's own, not the hub's: the Node SDK's MQTT transport acknowledges an input
// message as it receives it, so readings a filter process had received but not yet handled die with
// it when it is killed. Those can only be readings made before the kill and after the last one it
// alerted on; heldByKilledFilter names them (the alerts carry their reading's time).
import type { CloudMessage } from '../../runtime/cloud/service-client.js';

/** The example sensor's temperature for reading `index`: examples/offline-demo/sensor/sensor.mjs, temperatureAt. */
export function sensorTemperatureAt(index: number): number {
  return Math.round((20 + 10 * Math.sin(index / 5)) * 10) / 10;
}

export interface AlertFacts {
  index: number;
  temperature: number;
  threshold: number;
  /** When the sensor made the reading (its `time`). */
  madeAtMs: number;
}

export interface OwedAlerts {
  /** The readings from 0 to `last` owed an alert, ascending. */
  owed: (last: number) => number[];
  /** The thresholds the alerts name, in the order they first appear. */
  thresholds: number[];
  /** Alerts whose body is not what the example's filter and sensor send (its number, the sensor's temperature for it, a threshold below that, the reading's time): the demo's copy of the sensor's formula, or the example, changed. */
  unreadable: number[];
  /**
   * Whether reading `index` may have been in the hands of the filter process killed at
   * `killedAtMs`: later than the last reading made before the kill that has an alert, and made
   * before the kill even if each reading came only `minIntervalMs` after the one before.
   */
  heldByKilledFilter(killedAtMs: number, minIntervalMs: number): (index: number) => boolean;
}

/** `alerts` in arrival order; a repeat is judged by its first arrival. */
export function owedAlerts(alerts: readonly CloudMessage[]): OwedAlerts {
  const first = new Map<number, AlertFacts | undefined>();
  for (const message of alerts) {
    const index = Number(message.properties.index);
    if (!first.has(index)) first.set(index, alertFacts(message, index));
  }
  const unreadable = [...first].filter(([, facts]) => facts === undefined).map(([index]) => index);
  const facts = [...first.values()].filter((fact): fact is AlertFacts => fact !== undefined).sort((a, b) => a.index - b.index);
  return {
    owed: (last) => owedUpTo(facts, last),
    thresholds: [...new Set(facts.map((fact) => fact.threshold))],
    unreadable,
    heldByKilledFilter: (killedAtMs, minIntervalMs) => {
      const lastBefore = facts.filter((fact) => fact.madeAtMs < killedAtMs).at(-1);
      if (lastBefore === undefined) return () => false;
      return (index) => index > lastBefore.index && lastBefore.madeAtMs + (index - lastBefore.index) * minIntervalMs < killedAtMs;
    },
  };
}

function alertFacts(message: CloudMessage, index: number): AlertFacts | undefined {
  let body: unknown;
  try {
    body = JSON.parse(message.body);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null) return undefined;
  const { index: bodyIndex, temperature, threshold, time } = body as Record<string, unknown>;
  if (bodyIndex !== index || typeof temperature !== 'number' || typeof threshold !== 'number' || typeof time !== 'string') return undefined;
  const madeAtMs = Date.parse(time);
  if (temperature !== sensorTemperatureAt(index) || temperature <= threshold || Number.isNaN(madeAtMs)) return undefined;
  return { index, temperature, threshold, madeAtMs };
}

/**
 * The readings 0..last owed an alert: those alerted (an alert counts as owed once its body checks
 * out), and between alerts every reading warmer than the threshold in force. Before the first
 * alert, its threshold is in force.
 */
function owedUpTo(facts: readonly AlertFacts[], last: number): number[] {
  const owed: number[] = [];
  let from = 0;
  let before = facts[0]?.threshold;
  for (const fact of facts) {
    if (fact.index > last) break;
    owed.push(...warmerBetween(from, fact.index, before ?? fact.threshold, fact.threshold), fact.index);
    from = fact.index + 1;
    before = fact.threshold;
  }
  return owed.sort((a, b) => a - b);
}

/**
 * Readings in [from, to) owed an alert when the threshold went from `before` to `after` at some
 * reading in between: the switch that owes the fewest (the one that best explains what arrived).
 */
function warmerBetween(from: number, to: number, before: number, after: number): number[] {
  const warmer = (start: number, end: number, threshold: number): number[] => {
    const found: number[] = [];
    for (let index = start; index < end; index++) if (sensorTemperatureAt(index) > threshold) found.push(index);
    return found;
  };
  if (before === after) return warmer(from, to, before);
  let best: number[] | undefined;
  for (let switchAt = from; switchAt <= to; switchAt++) {
    const owed = [...warmer(from, switchAt, before), ...warmer(switchAt, to, after)];
    if (best === undefined || owed.length < best.length) best = owed;
  }
  return best ?? [];
}
