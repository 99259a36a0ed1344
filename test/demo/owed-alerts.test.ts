// Which alerts the example's filter owed the cloud: one for each of the sensor's readings warmer
// than the threshold in force, from reading 0 to the last alerted; the threshold may change once,
// between two alerts, at whatever reading best explains what arrived. The sensor's temperature
// formula is copied from examples/offline-demo/sensor/sensor.mjs: the test reads it there.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { numberedArrival } from '../../src/demo/offline/numbered-order.js';
import { owedAlerts, sensorTemperatureAt } from '../../src/demo/offline/owed-alerts.js';
import type { CloudMessage } from '../../src/runtime/cloud/service-client.js';
import { ROOT } from './demo-support.js';

const START_MS = Date.parse('2026-01-01T00:00:00Z');
const INTERVAL_MS = 200;

/** What the filter sends for reading `index`, made INTERVAL_MS + 5 ms after the one before (a send takes a little time). */
function alert(index: number, threshold: number, temperature = sensorTemperatureAt(index)): CloudMessage {
  const time = new Date(START_MS + index * (INTERVAL_MS + 5)).toISOString();
  return { sequenceNumber: index + 1, deviceId: 'edge-device', moduleId: 'filter', body: JSON.stringify({ index, temperature, threshold, time }), properties: { index: String(index), alert: 'temperature' }, systemProperties: {}, enqueuedTimeUtc: '2026-01-01T00:00:00Z' };
}

/** What the filter sends for readings 0..last with `threshold` in force from reading `from` on. */
function filterOutput(last: number, thresholds: { from: number; threshold: number }[]): CloudMessage[] {
  const alerts: CloudMessage[] = [];
  for (let index = 0; index <= last; index++) {
    const threshold = thresholds.filter((step) => step.from <= index).at(-1)!.threshold;
    if (sensorTemperatureAt(index) > threshold) alerts.push(alert(index, threshold));
  }
  return alerts;
}

describe('the alerts the filter owed', () => {
  it("uses the example sensor's own formula", () => {
    const sensor = readFileSync(join(ROOT, 'examples', 'offline-demo', 'sensor', 'sensor.mjs'), 'utf8');
    expect(sensor).toContain('return Math.round((20 + 10 * Math.sin(index / 5)) * 10) / 10;');
    expect(sensorTemperatureAt(3)).toBe(25.6);
  });

  it('are every reading warmer than the threshold, and a complete stream owes nothing more', () => {
    const alerts = filterOutput(60, [{ from: 0, threshold: 25 }]);
    const owed = owedAlerts(alerts);
    expect(owed.thresholds).toEqual([25]);
    expect(owed.owed(60)).toEqual(alerts.map((message) => Number(message.properties.index)));
    expect(numberedArrival(alerts.map((message) => Number(message.properties.index)), owed.owed)).toMatchObject({ missing: [], unexpected: [] });
  });

  it('find an alert lost in the middle, and one lost before the first that arrived', () => {
    const alerts = filterOutput(60, [{ from: 0, threshold: 25 }]);
    const lostMiddle = alerts.filter((message) => message.properties.index !== '7');
    const indexes = (list: CloudMessage[]) => list.map((message) => Number(message.properties.index));
    expect(numberedArrival(indexes(lostMiddle), owedAlerts(lostMiddle).owed).missing).toEqual([7]);
    const lostFirst = alerts.slice(1);
    expect(numberedArrival(indexes(lostFirst), owedAlerts(lostFirst).owed).missing).toEqual([3]);
  });

  it('follow a threshold that changes between two alerts, wherever it changed', () => {
    for (const switchAt of [14, 20, 33, 34, 45]) {
      const alerts = filterOutput(70, [{ from: 0, threshold: 25 }, { from: switchAt, threshold: 22 }]);
      const owed = owedAlerts(alerts);
      expect(owed.thresholds).toEqual([25, 22]);
      expect(numberedArrival(alerts.map((message) => Number(message.properties.index)), owed.owed)).toMatchObject({ missing: [], unexpected: [] });
    }
    // Reading 46 (22.2 °C) is warmer than 22 only: lost after the switch, it is owed.
    const alerts = filterOutput(70, [{ from: 0, threshold: 25 }, { from: 20, threshold: 22 }]).filter((message) => message.properties.index !== '46');
    expect(numberedArrival(alerts.map((message) => Number(message.properties.index)), owedAlerts(alerts).owed).missing).toEqual([46]);
  });

  it("name an alert whose body is not what the filter makes of the sensor's reading", () => {
    const timeless = { ...alert(7, 25), body: JSON.stringify({ index: 7, temperature: sensorTemperatureAt(7), threshold: 25 }) };
    const owed = owedAlerts([alert(3, 25), alert(4, 25, 99), alert(5, 30), { ...alert(6, 25), body: 'not json' }, timeless]);
    expect(owed.unreadable).toEqual([4, 5, 6, 7]);
  });

  it('let the killed filter take only readings made before the kill, after the last one it alerted on', () => {
    // Killed while reading 7 was its latest; 5 and 6 made before, not yet handled; from 8 on, made after the kill: stored by the hub, owed.
    const killedAtMs = START_MS + 7 * (INTERVAL_MS + 5) + 50;
    const alerts = filterOutput(30, [{ from: 0, threshold: 25 }]).filter((message) => !['5', '6', '7', '8'].includes(message.properties.index!));
    const owed = owedAlerts(alerts);
    const held = owed.heldByKilledFilter(killedAtMs, INTERVAL_MS);
    const missing = numberedArrival(alerts.map((message) => Number(message.properties.index)), owed.owed).missing;
    expect(missing).toEqual([5, 6, 7, 8]);
    expect(missing.filter(held)).toEqual([5, 6, 7]);
    // Reading 3, alerted before 4 that arrived, was not in its hands: lost, it is a fault.
    expect(held(3)).toBe(false);
    // No alert made before the kill: nothing is allowed.
    expect(owedAlerts(alerts.filter((message) => Number(message.properties.index) > 8)).heldByKilledFilter(killedAtMs, INTERVAL_MS)(5)).toBe(false);
  });
});
