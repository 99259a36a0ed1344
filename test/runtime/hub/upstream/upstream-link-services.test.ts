// What else the link carries for downstream clients, against the real emulator: twin requests,
// desired patches, direct methods invoked from the service side, cloud-to-device messages
// acknowledged upstream only once delivered, and connections opened for attached clients and
// closed when nothing needs them.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudToDeviceMessage } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { CHILD, EDGE, hubMessage, MODULE, startUpstreamWorld, waitFor, type UpstreamWorld } from './upstream-support.js';

describe('upstream link services', () => {
  let world: UpstreamWorld;

  beforeEach(async () => {
    world = await startUpstreamWorld();
  });

  afterEach(async () => {
    await world?.close();
  });

  it('reads a twin and patches its reported properties as that identity', async () => {
    const { link } = world.openLink();
    await world.cloud.client.updateDesired(EDGE, MODULE.moduleId, { threshold: 30 });

    const twin = await link.twinRequest(MODULE, { kind: 'get' });
    expect(twin.status).toBe(200);
    expect(twin.body).toMatchObject({ desired: { threshold: 30 }, reported: {} });

    const patched = await link.twinRequest(MODULE, { kind: 'patch-reported', patch: { firmware: '1.2', nested: { a: 1 } } });
    expect(patched.status).toBe(204);
    expect(patched.version).toBeGreaterThan(0);
    const cloudTwin = await world.cloud.client.getTwin(EDGE, MODULE.moduleId);
    expect(cloudTwin.properties.reported).toMatchObject({ firmware: '1.2', nested: { a: 1 } });
  });

  it('hands desired patches to the identity’s listeners with their version', async () => {
    const { link } = world.openLink();
    const patches: [Record<string, unknown>, number][] = [];
    const off = link.onDesiredPatch(MODULE, (patch, version) => patches.push([patch, version]));
    // Answered on the same connection after the SUBSCRIBE, so the subscription is in place.
    await link.twinRequest(MODULE, { kind: 'get' });

    const updated = await world.cloud.client.updateDesired(EDGE, MODULE.moduleId, { threshold: 42 });
    await waitFor('the desired patch', () => patches.length === 1);
    expect(patches[0]![0]).toMatchObject({ threshold: 42 });
    expect(patches[0]![1]).toBe(updated.properties.desired.$version);
    off();
  });

  it('answers a direct method the service invokes on a child through the handler', async () => {
    const { link } = world.openLink();
    const calls: [string, string][] = [];
    link.onMethod(CHILD, async (name, payload) => {
      calls.push([name, payload.toString('utf8')]);
      return { status: 201, payload: Buffer.from(JSON.stringify({ restarted: true })) };
    });
    await link.twinRequest(CHILD, { kind: 'get' });

    const result = await world.cloud.client.invokeMethod(CHILD.deviceId, undefined, 'restart', { payload: { delay: 1 }, responseTimeoutInSeconds: 10 });
    expect(result).toEqual({ status: 201, payload: { restarted: true } });
    expect(calls).toEqual([['restart', '{"delay":1}']]);
  });

  it('acknowledges a cloud-to-device message upstream only after it was delivered', async () => {
    const { link } = world.openLink();
    const delivered: CloudToDeviceMessage[] = [];
    let refuse = true;
    const firstOff = link.onCloudToDevice(CHILD.deviceId, async (message) => {
      delivered.push(message);
      if (refuse) throw new Error('the device went away');
    });
    await link.twinRequest(CHILD, { kind: 'get' });
    await world.cloud.client.sendCloudToDevice(CHILD.deviceId, { body: 'open the valve', properties: { valve: '3' }, messageId: 'c2d-1' });
    await waitFor('the first delivery', () => delivered.length === 1);

    // Not delivered, so not acknowledged: a receiver registered again gets the same message.
    refuse = false;
    firstOff();
    link.onCloudToDevice(CHILD.deviceId, async (message) => void delivered.push(message));
    await waitFor('the redelivery', () => delivered.length === 2);
    expect(delivered.map((message) => [message.body.toString('utf8'), message.properties, message.systemProperties['message-id']])).toEqual([
      ['open the valve', { valve: '3' }, 'c2d-1'],
      ['open the valve', { valve: '3' }, 'c2d-1'],
    ]);

    // Delivered this time, so acknowledged: a new link's first message is the next one.
    await link.close();
    const second = world.openLink().link;
    const later: string[] = [];
    second.onCloudToDevice(CHILD.deviceId, async (message) => void later.push(message.systemProperties['message-id']!));
    await world.cloud.client.sendCloudToDevice(CHILD.deviceId, { body: 'close it', messageId: 'c2d-2' });
    await waitFor('the next message', () => later.length >= 1);
    expect(later[0]).toBe('c2d-2');
  });

  it('opens an attached client’s connection and closes it when it leaves and nothing else needs it', async () => {
    const { link } = world.openLink({ idleMs: 3000 });
    const connection = async (deviceId: string): Promise<string> => (await world.cloud.client.getDevice(deviceId)).connectionState;

    link.attach(CHILD);
    await waitFor('the child connected upstream', async () => (await connection(CHILD.deviceId)) === 'Connected');
    link.detach(CHILD);
    await waitFor('the child gone upstream', async () => (await connection(CHILD.deviceId)) === 'Disconnected');

    // Telemetry keeps it open a while (the pump may have more), then the idle sweep closes it.
    link.attach(CHILD);
    await link.sendTelemetry(hubMessage(CHILD, 'x'));
    link.detach(CHILD);
    expect(await connection(CHILD.deviceId)).toBe('Connected');
    await waitFor('the idle connection closed', async () => (await connection(CHILD.deviceId)) === 'Disconnected');
    expect(link.state).toBe('connected');
  });
});
