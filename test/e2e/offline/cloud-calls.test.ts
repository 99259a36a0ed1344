// Issue 14: cloud-to-device messages and direct methods invoked from the cloud, to a module (an
// SDK module the agent runs) and to a child device (the SDK's Client through GatewayHostName),
// work while the edge device is connected and fail clearly while it is cut, as in IoT Edge: a
// method from the cloud fails with 404 DeviceNotOnline (404103), which IoT Hub answers for a
// device that is not connected; a cloud-to-device message waits in the cloud's queue and is
// delivered after restore if its time to live has not run out. (IoT Hub sends cloud-to-device
// messages to devices only, never to modules.) Methods are called with the official service SDK
// (azure-iothub's Client.invokeDeviceMethod), which reaches the emulator on 127.0.15.7:443; the
// hub listens on 127.0.15.8. Messages are sent with the emulator's REST extra (IoT Hub's own send
// is AMQP, which the emulator does not speak), as `edgewise cloud send` does.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Client, DeviceMethodRequest, DeviceMethodResponse } from 'azure-iot-device';
import { collectCloudToDevice, EDGE, invokeFromCloud, removeTempFolders, startOfflineEdge, waitFor, type CloudMethodOutcome, type OfflineEdge, type ReceivedMessage } from './offline-support.js';

const CLOUD_ADDRESS = '127.0.15.7';
const HUB_ADDRESS = '127.0.15.8';

let scenario: OfflineEdge;
let child: Client;
let received: ReceivedMessage[];

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`the hub's log:\n${scenario?.hubLog.join('\n')}\nthe agent's log:\n${scenario?.agentLog.join('\n')}`);
});

afterAll(async () => {
  await scenario?.close();
  removeTempFolders();
});

const MODULE_CALL = { deviceId: EDGE, moduleId: 'responder', methodName: 'echo', payload: { from: 'cloud' } };
const CHILD_CALL = { deviceId: 'child-1', methodName: 'blink', payload: { times: 2 } };
const ANSWERED: CloudMethodOutcome[] = [
  { status: 200, payload: { echo: { from: 'cloud' }, module: 'edge/responder', pid: expect.any(Number) } },
  { status: 200, payload: { blinked: { times: 2 } } },
];

beforeAll(async () => {
  scenario = await startOfflineEdge({ cloudAddress: CLOUD_ADDRESS, hubAddress: HUB_ADDRESS, modules: { responder: {} }, routes: { none: 'FROM /messages/* WHERE false INTO $upstream' }, children: ['child-1'] });
  child = await scenario.openChild('child-1');
  child.onDeviceMethod('blink', (request: DeviceMethodRequest, response: DeviceMethodResponse) => void response.send(200, { blinked: request.payload }));
  received = collectCloudToDevice(child);
  await waitFor('the agent to start responder and it to connect', () => scenario.connectedClients().includes('edge/responder'), 30_000);
}, 50_000);

function bodies(): string[] {
  return received.map((message) => message.body);
}

/** What child-1 received after the first `mark` messages. */
function bodiesSince(mark: number): string[] {
  return bodies().slice(mark);
}

/** The emulator sees none of the connections the hub's upstream link held: the edge device's, the child's, the module's. */
async function allDisconnected(): Promise<boolean> {
  const { client } = scenario.cloud;
  const states = [(await client.getDevice(EDGE)).connectionState, (await client.getDevice('child-1')).connectionState, ...(await client.listModules(EDGE)).map((module) => module.connectionState)];
  return states.every((state) => state === 'Disconnected');
}

describe('calls from the cloud to a module and a child device behind the edge', () => {
  it('while connected: direct methods reach the module and the child through the hub, and a cloud-to-device message reaches the child', async () => {
    // The hub subscribes upstream for a client's methods once the client subscribed; until then the cloud answers 404.
    const outcomes = await waitFor('the cloud to reach responder and child-1 through the hub', async () => {
      const found = await invokeFromCloud(scenario.cloud, [MODULE_CALL, CHILD_CALL]);
      return found.every((outcome) => 'status' in outcome) ? found : undefined;
    }, 30_000, 200);
    expect(outcomes).toEqual(ANSWERED);

    await scenario.cloud.client.sendCloudToDevice('child-1', { body: 'while connected', properties: { step: 'online' } });
    await waitFor('the message to reach child-1', () => bodies().includes('while connected'));
    expect(bodies()).toEqual(['while connected']);
    expect(received[0]!.properties).toMatchObject({ step: 'online' });
  }, 40_000);

  it('while cut: a method from the cloud fails with 404 DeviceNotOnline (404103), for the module and for the child', async () => {
    await scenario.edge.hub.cut();
    await waitFor('the cloud to see the edge device, its modules and child-1 disconnected', allDisconnected);
    const outcomes = await invokeFromCloud(scenario.cloud, [MODULE_CALL, CHILD_CALL]);
    expect(outcomes).toEqual([
      { httpStatus: 404, errorCode: 404103 },
      { httpStatus: 404, errorCode: 404103 },
    ]);
  });

  it('while cut: a cloud-to-device message waits in the cloud and is delivered after restore within its time to live; one whose time ran out meanwhile is not', async () => {
    expect(scenario.edge.hub.upstreamState).toBe('cut');
    const mark = received.length;
    try {
      const shortLived = new Date(Date.now() + 1500);
      await scenario.cloud.client.sendCloudToDevice('child-1', { body: 'kept', expiryTimeUtc: new Date(Date.now() + 10 * 60_000).toISOString() });
      await scenario.cloud.client.sendCloudToDevice('child-1', { body: 'expires during the outage', expiryTimeUtc: shortLived.toISOString() });
      // The outage outlasts the second message's time to live.
      await waitFor('the short time to live to run out', () => Date.now() > shortLived.getTime() + 500);
      expect(bodiesSince(mark)).toEqual([]);
    } finally {
      await scenario.edge.hub.restore();
    }
    await waitFor('the kept message to reach child-1 after restore', () => bodiesSince(mark).includes('kept'));
    // Delivered in order, so the expired one would have come before a message sent now.
    await scenario.cloud.client.sendCloudToDevice('child-1', { body: 'after restore' });
    await waitFor('the message sent after restore', () => bodiesSince(mark).includes('after restore'));
    // Once each: an acknowledged message is never sent again (test/runtime/cloud/cloud-to-device-once.test.ts).
    expect(bodiesSince(mark)).toEqual(['kept', 'after restore']);
  }, 40_000);

  it('after restore: direct methods from the cloud reach the module and the child again', async () => {
    const outcomes = await waitFor('the cloud to reach both again', async () => {
      const found = await invokeFromCloud(scenario.cloud, [MODULE_CALL, CHILD_CALL]);
      return found.every((outcome) => 'status' in outcome) ? found : undefined;
    }, 30_000, 200);
    expect(outcomes).toEqual(ANSWERED);
  }, 40_000);
});
