// Direct methods through the assembled hub, with the official SDK: a module calls another with
// ModuleClient.invokeMethod, which goes over HTTPS to port 443 of its GatewayHostName (docs/FACTS.md
// §8), so this hub listens on 127.0.0.4 with the default ports 8883 and 443 (tests run as root;
// 127.0.0.4 keeps clear of the other suites' addresses). The caller proves itself with its SAS
// token, checked from the identity cache. The cloud invokes a method on a module through the hub.
import { ModuleClient } from 'azure-iot-device';
import type { DeviceMethodRequest, DeviceMethodResponse } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import type { RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { EDGE, edgeCa, openGatewayModule, removeTempFolders, startScenario, startScenarioHub, waitFor, type Scenario } from './hub-support.js';

const ADDRESS = '127.0.0.4';

let scenario: Scenario;
let hub: RunningHub;
const clients: ModuleClient[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  hub = await startScenarioHub(scenario, {
    address: ADDRESS,
    mqttPort: 8883,
    httpsPort: 443,
  });
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

const opened = new Map<string, ModuleClient>();

/** A module of the edge device, through GatewayHostName without a port: MQTT on 8883, HTTPS on 443; one connection per module. */
async function edgeModule(moduleId: string): Promise<ModuleClient> {
  const open = opened.get(moduleId);
  if (open) return open;
  const connectionString = `${deviceConnectionString(scenario.hostName, EDGE, scenario.keys.get(`${EDGE}/${moduleId}`)!, moduleId)};GatewayHostName=${ADDRESS}`;
  const client = await waitFor(`${EDGE}/${moduleId} to connect`, async () => openGatewayModule(hub.info, connectionString).catch(() => undefined));
  clients.push(client);
  opened.set(moduleId, client);
  return client;
}

describe('direct methods through the hub', () => {
  it('listens on the default ports, where the SDK looks for its gateway', () => {
    expect(hub.info).toMatchObject({ mqtt: { host: ADDRESS, port: 8883 }, https: { host: ADDRESS, port: 443 }, gatewayHostName: ADDRESS });
  });

  it('lets a module call a method on another module (ModuleClient.invokeMethod over the gateway HTTPS), and the cloud call one too', async () => {
    const sink = await edgeModule('sink');
    const calls: { name: string; payload: unknown }[] = [];
    sink.onMethod('ping', (request: DeviceMethodRequest, response: DeviceMethodResponse) => {
      calls.push({ name: request.methodName, payload: request.payload });
      void response.send(200, { pong: request.payload });
    });
    const filter = await edgeModule('filter');
    const result = await filter.invokeMethod(EDGE, 'sink', { methodName: 'ping', payload: { from: 'filter' }, responseTimeoutInSeconds: 10 });
    expect(result).toEqual({ status: 200, payload: { pong: { from: 'filter' } } });

    const fromCloud = await waitFor('the cloud to reach sink through the hub', async () => {
      try {
        return await scenario.cloud.client.invokeMethod(EDGE, 'sink', 'ping', { payload: { from: 'cloud' }, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined; // the hub subscribes upstream for sink's methods once sink is attached
      }
    });
    expect(fromCloud).toEqual({ status: 200, payload: { pong: { from: 'cloud' } } });
    expect(calls).toEqual([
      { name: 'ping', payload: { from: 'filter' } },
      { name: 'ping', payload: { from: 'cloud' } },
    ]);
  });

  it('refuses a caller whose token is not signed with its key, and the target never sees the call', async () => {
    const sink = await edgeModule('sink');
    let called = false;
    sink.onMethod('secret', (_request: DeviceMethodRequest, response: DeviceMethodResponse) => {
      called = true;
      void response.send(200, {});
    });
    const forged = ModuleClient.fromConnectionString(`${deviceConnectionString(scenario.hostName, EDGE, Buffer.alloc(32, 9).toString('base64'), 'filter')};GatewayHostName=${ADDRESS}`, Mqtt);
    await forged.setOptions({ ca: edgeCa(hub.info) });
    await expect(forged.invokeMethod(EDGE, 'sink', { methodName: 'secret', payload: null, responseTimeoutInSeconds: 5 })).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(called).toBe(false);
  });

  it('answers the cloud\'s RefreshDeviceScopeIdentityCache on $edgeHub by re-reading its scope', async () => {
    const answer = await waitFor('the hub to answer the scope refresh method', async () => {
      try {
        return await scenario.cloud.client.invokeMethod(EDGE, '$edgeHub', 'RefreshDeviceScopeIdentityCache', { payload: null, responseTimeoutInSeconds: 10 });
      } catch {
        return undefined; // until the hub's own $edgeHub connection subscribed to methods
      }
    });
    expect(answer).toMatchObject({ status: 200 });
  });
});
