// Twins over MQTT with the official device SDK: reported patches merge and nulls delete, getTwin
// returns desired and reported with their versions, and a desired patch made on the service side
// reaches the SDK's `properties.desired` handler with an increasing $version
// (docs/FACTS.md §5; docs/research/iothub-facts.md §5, §7).
import type { Client, Twin } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RawClient, startHubWithSensorAndGateway, type Hub } from './mqtt-harness.js';
import { openDevice, openModule } from './sdk-clients.js';

function report(twin: Twin, patch: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
}

describe('twins over MQTT', () => {
  let hub: Hub;
  let device: Client;

  beforeAll(async () => {
    hub = await startHubWithSensorAndGateway();
    device = await openDevice(hub, hub.connectionString('sensor'));
  });

  afterAll(async () => {
    await device?.close();
    await hub?.close();
  });

  it('merges reported patches, deletes what a null names, and getTwin returns both sections', async () => {
    const twin = await device.getTwin();
    const startVersion = hub.twins.get('sensor').properties.reported.$version;
    await report(twin, { firmware: '1.0', battery: { level: 80, charging: true } });
    await report(twin, { battery: { charging: null }, uptime: 12 });

    const stored = hub.twins.get('sensor').properties.reported;
    expect(stored).toMatchObject({ firmware: '1.0', battery: { level: 80 }, uptime: 12, $version: startVersion + 2 });
    expect(stored.battery).not.toHaveProperty('charging');

    await hub.twins.patchDesired('sensor', undefined, { interval: 30 });
    const fetched = await twin.get();
    expect(fetched.properties.reported).toMatchObject({ firmware: '1.0', battery: { level: 80 }, uptime: 12, $version: startVersion + 2 });
    expect(fetched.properties.desired).toMatchObject({ interval: 30, $version: hub.twins.get('sensor').properties.desired.$version });
  });

  it('pushes desired patches to the SDK’s properties.desired handler with increasing versions', async () => {
    const twin = await device.getTwin();
    const versions: number[] = [];
    twin.on('properties.desired', (desired: { $version: number }) => versions.push(desired.$version));
    // The handler subscribes to desired patches; a GET sent after it on the same connection is
    // answered after that SUBSCRIBE was taken, so pushes made from here on reach the device.
    await twin.get();
    await hub.twins.patchDesired('sensor', undefined, { mode: 'eco', fan: 2 });
    await hub.twins.patchDesired('sensor', undefined, { mode: null, target: 20 });
    const latest = hub.twins.get('sensor').properties.desired.$version;

    await vi.waitFor(() => expect(versions.at(-1)).toBe(latest), { timeout: 10_000 });
    expect(versions.slice(-2)).toEqual([latest - 1, latest]);
    expect(versions.every((version, index) => index === 0 || version >= versions[index - 1]!)).toBe(true);
    expect(twin.properties.desired).toMatchObject({ fan: 2, target: 20, $version: latest });
    expect(twin.properties.desired).not.toHaveProperty('mode');
  });

  it('keeps a module’s twin apart from its device’s', async () => {
    const module = await openModule(hub, hub.connectionString('gateway', 'filter'));
    try {
      const twin = await module.getTwin();
      await report(twin, { threshold: 5 });
    } finally {
      await module.close();
    }
    expect(hub.twins.get('gateway', 'filter').properties.reported).toMatchObject({ threshold: 5 });
    expect(hub.twins.get('gateway').properties.reported).not.toHaveProperty('threshold');
  });

  it('answers a reported patch that is not a JSON object with 400 and an error body', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'gateway')).toBe(0);
    raw.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$iothub/twin/res/#', qos: 0 }] });
    await raw.next('suback');
    raw.send({ cmd: 'publish', topic: '$iothub/twin/PATCH/properties/reported/?$rid=r1', payload: Buffer.from('[1,2]'), qos: 0, dup: false, retain: false });
    const answer = await raw.next('publish');
    expect(answer).toMatchObject({ topic: '$iothub/twin/res/400/?$rid=r1' });
    expect(JSON.parse(String(answer?.cmd === 'publish' ? answer.payload : ''))).toMatchObject({ errorCode: 400004 });
    raw.end();
  });
});
