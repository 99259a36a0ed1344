// The upstream link against the real emulator (edgewise cloud): telemetry goes up on the
// connection of the identity that sent it (a module of the edge device and a child device, each
// with its own key), and the link's state says exactly what the hub's own connection is doing
// through a cut, a restore, and the emulator going away and coming back on the same port.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamUnavailableError } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { CHILD, cloudMessages, EDGE, hubMessage, MODULE, startUpstreamWorld, waitFor, waitForCloudMessages, type UpstreamWorld } from './upstream-support.js';

describe('upstream link', () => {
  let world: UpstreamWorld;

  beforeEach(async () => {
    world = await startUpstreamWorld();
  });

  afterEach(async () => {
    await world?.close();
  });

  it('connects as the edge hub and sends telemetry as the module and as the child, each as itself', async () => {
    const { link, states } = world.openLink();
    expect(link.state).toBe('connecting');
    await waitFor('the link to connect', () => link.state === 'connected');
    expect(states).toEqual(['connected']);

    await link.sendTelemetry(
      hubMessage(MODULE, '{"t":21}', {
        outputName: 'alerts',
        properties: { unit: '°C', 'odd key': 'a&b=c/d' },
        systemProperties: { 'message-id': 'm-1', 'content-type': 'application/json', 'content-encoding': 'utf-8' },
      }),
    );
    await link.sendTelemetry(hubMessage(CHILD, 'from the child', { properties: { kind: 'leaf' } }));

    const messages = await cloudMessages(world.cloud);
    expect(messages.map((message) => [message.deviceId, message.moduleId, message.body])).toEqual([
      [EDGE, MODULE.moduleId, '{"t":21}'],
      [CHILD.deviceId, null, 'from the child'],
    ]);
    const [fromModule, fromChild] = messages;
    expect(fromModule!.properties).toEqual({ unit: '°C', 'odd key': 'a&b=c/d' });
    expect(fromModule!.systemProperties).toMatchObject({
      'message-id': 'm-1',
      'content-type': 'application/json',
      'content-encoding': 'utf-8',
      '$.on': 'alerts',
      'iothub-connection-device-id': EDGE,
      'iothub-connection-module-id': MODULE.moduleId,
    });
    expect(fromChild!.properties).toEqual({ kind: 'leaf' });
    expect(fromChild!.systemProperties).toMatchObject({ 'iothub-connection-device-id': CHILD.deviceId });
    expect(fromChild!.systemProperties['iothub-connection-module-id']).toBeUndefined();
  });

  it('refuses to send while cut, and sends again once restored', async () => {
    const { link, states } = world.openLink();
    await waitFor('the link to connect', () => link.state === 'connected');
    await link.sendTelemetry(hubMessage(CHILD, 'before'));

    link.cut();
    expect(link.state).toBe('cut');
    await expect(link.sendTelemetry(hubMessage(CHILD, 'during'))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    await expect(link.twinRequest(CHILD, { kind: 'get' })).rejects.toBeInstanceOf(UpstreamUnavailableError);
    // The cut really closed the connections: the emulator shows the child disconnected.
    await waitFor('the emulator to see the child go', async () => (await world.cloud.client.getDevice(CHILD.deviceId)).connectionState === 'Disconnected');

    link.restore();
    expect(link.state).toBe('connecting');
    await waitFor('the link to reconnect', () => link.state === 'connected');
    await link.sendTelemetry(hubMessage(CHILD, 'after'));

    expect((await cloudMessages(world.cloud)).map((message) => message.body)).toEqual(['before', 'after']);
    expect(states).toEqual(['connected', 'cut', 'connecting', 'connected']);
  });

  it('can start cut, trying nothing until restored', async () => {
    const { link, logs } = world.openLink({ startCut: true });
    expect(link.state).toBe('cut');
    await expect(link.sendTelemetry(hubMessage(CHILD, 'during'))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    link.restore();
    await waitFor('the link to connect', () => link.state === 'connected');
    // Its first connection was the one after the restore.
    expect(logs.filter((line) => line.startsWith(`upstream ${EDGE}/$edgeHub:`))).toEqual([`upstream ${EDGE}/$edgeHub: connected`]);
  });

  it('tries again with backoff while the emulator is down and reconnects when it is back on the same port', async () => {
    const { link, states } = world.openLink();
    await waitFor('the link to connect', () => link.state === 'connected');
    await link.sendTelemetry(hubMessage(MODULE, 'one'));

    await world.stopCloud();
    await waitFor('the link to notice', () => link.state !== 'connected');
    await expect(link.sendTelemetry(hubMessage(MODULE, 'lost'))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    // Attempts keep coming: connecting and disconnected alternate while nothing listens.
    await waitFor('a few attempts', () => states.filter((state) => state === 'connecting').length >= 3);
    expect(link.state === 'connecting' || link.state === 'disconnected').toBe(true);

    await world.startCloudAgain();
    await waitFor('the link to reconnect', () => link.state === 'connected');
    await link.sendTelemetry(hubMessage(MODULE, 'two'));
    expect((await cloudMessages(world.cloud)).map((message) => message.body)).toEqual(['one', 'two']);
    // Every change is reported once, in order, and the last one is the truth.
    expect(states[0]).toBe('connected');
    expect(states.at(-1)).toBe('connected');
    for (let index = 1; index < states.length; index += 1) expect(states[index]).not.toBe(states[index - 1]);
  });

  it('waits for an identity without a key yet, and connects once the key is known', async () => {
    const key = world.keys.get(`${EDGE}/$edgeHub`)!;
    world.keys.delete(`${EDGE}/$edgeHub`);
    const { link, logs } = world.openLink();
    await waitFor('a failed attempt', () => logs.some((line) => line.includes('no key is known')));
    expect(link.state === 'disconnected' || link.state === 'connecting').toBe(true);
    world.keys.set(`${EDGE}/$edgeHub`, key);
    await waitFor('the link to connect', () => link.state === 'connected');
  });

  it('says why a refused identity cannot connect and keeps the others going', async () => {
    world.keys.set(CHILD.deviceId, Buffer.from('not the key').toString('base64'));
    const { link, logs } = world.openLink();
    await waitFor('the link to connect', () => link.state === 'connected');
    await expect(link.sendTelemetry(hubMessage(CHILD, 'refused'))).rejects.toBeInstanceOf(UpstreamUnavailableError);
    expect(logs.some((line) => line.startsWith(`upstream ${CHILD.deviceId}:`) && /not authori[sz]ed/i.test(line))).toBe(true);
    await link.sendTelemetry(hubMessage(MODULE, 'fine'));
    expect(link.state).toBe('connected');
  });

  it('renews its token by reconnecting before the emulator would cut it off', async () => {
    const { link, logs } = world.openLink({ tokenSeconds: 4 });
    await waitFor('the link to connect', () => link.state === 'connected');
    const sent: string[] = [];
    const renewals = (): number => logs.filter((line) => line.includes('renewing its SharedAccessSignature')).length;
    // Messages sent back to back until two renewals have happened (counted, not timed): each one
    // waits through a renewal, none is lost. The cap only keeps a broken renewal from looping forever.
    for (let index = 0; renewals() < 2; index += 1) {
      if (index === 5_000) throw new Error(`only ${renewals()} renewals after 5,000 messages`);
      await link.sendTelemetry(hubMessage(MODULE, `m${index}`));
      sent.push(`m${index}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const messages = await waitForCloudMessages(world.cloud, sent.length);
    expect(messages.map((message) => message.body)).toEqual(sent);
  });
});
