// Issue 14, step 3 (Offline), end to end, with the upstream cut for the whole file after one
// online start: the agent runs two SDK modules (modules/sdk-module.mjs, ModuleClient.fromEnvironment),
// `caller` and `responder`; the test holds a third module identity, `tester` (a ModuleClient it
// opens itself, through GatewayHostName and the edge CA), and child devices (Client, the same way).
// While cut: a child starts, restarts and authenticates, and its telemetry is stored (a child
// added in the cloud during the outage, never synced, is refused); a killed module is restarted
// by the agent and signs in again; messages flow through routes child → module and module →
// module; direct methods go module → module and module → child through
// ModuleClient.invokeMethod, which calls HTTPS on port 443 of the gateway host (so the hub listens
// on 127.0.15.6:443; the emulator on 127.0.15.5), with 404 for a target not connected and 504 for
// one that does not answer; reported properties are accepted at once and getTwin answers from the
// stored twin; and all of it again after a hub restart while still cut. After restore, the
// telemetry stored meanwhile reaches the cloud.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Message, type DeviceMethodRequest, type DeviceMethodResponse, type ModuleClient, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import {
  cloudMessages,
  collectInputs,
  EDGE,
  invokeThroughHub,
  invokeWhenReady,
  removeTempFolders,
  skipWithoutPort443,
  startOfflineEdge,
  waitFor,
  type OfflineEdge,
  type ReceivedMessage,
} from './offline-support.js';

const CLOUD_ADDRESS = '127.0.15.5';
const HUB_ADDRESS = '127.0.15.6';

const ROUTES = {
  childrenUp: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream',
  childrenToResponder: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO BrokeredEndpoint("/modules/responder/inputs/in")',
  callerToResponder: 'FROM /messages/modules/caller/outputs/toResponder INTO BrokeredEndpoint("/modules/responder/inputs/in")',
  testerToResponder: 'FROM /messages/modules/tester/outputs/toResponder INTO BrokeredEndpoint("/modules/responder/inputs/in")',
  responderToTester: 'FROM /messages/modules/responder/outputs/seen INTO BrokeredEndpoint("/modules/tester/inputs/seen")',
};

let scenario: OfflineEdge;
let tester: ModuleClient;
let inputs: ReceivedMessage[];
/** child-1 connected while online (its twin was fetched then); it answers the method `blink`. */
let child: Client;

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`the hub's log:\n${scenario?.hubLog.join('\n')}\nthe agent's log:\n${scenario?.agentLog.join('\n')}`);
});

afterAll(async () => {
  await scenario?.close();
  removeTempFolders();
});

const CALLER = { deviceId: EDGE, moduleId: 'caller' };
const RESPONDER = { deviceId: EDGE, moduleId: 'responder' };

async function openTester(): Promise<void> {
  tester = await scenario.openModule('tester');
  inputs = collectInputs(tester);
}

async function openBlinkingChild(): Promise<Client> {
  const opened = await scenario.openChild('child-1');
  opened.onDeviceMethod('blink', (request: DeviceMethodRequest, response: DeviceMethodResponse) => void response.send(200, { blinked: request.payload }));
  return opened;
}

/** Whether the module's current run has read its twin (it prints `desired {…}` once, after `connected`). */
function twinRead(module: string): boolean {
  const log = scenario.moduleLog(module);
  return log.slice(log.lastIndexOf(`edge/${module}: connected`)).includes(`edge/${module}: desired {`);
}

/** The agent's modules are up: connected to the hub, done reading their twins, and (where methods can be called) answering them. */
async function modulesReady(): Promise<void> {
  await waitFor('the agent to start caller and responder and both to connect', () => ['edge/caller', 'edge/responder'].every((id) => scenario.connectedClients().includes(id)), 30_000);
  await waitFor('caller and responder to read their twins', () => twinRead('caller') && twinRead('responder'));
  if (scenario.methodsReachable) for (const target of [CALLER, RESPONDER]) await invokeWhenReady(tester, target, 'echo', 'ready?');
}

async function updateReported(twin: Twin, patch: Record<string, unknown>): Promise<void> {
  await new Promise<void>((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
}

function numbered(sender: string, index: number): Message {
  const message = new Message(JSON.stringify({ sender, index }));
  message.properties.add('sender', sender);
  message.properties.add('index', String(index));
  return message;
}

/** What reached the tester through responder, as `sender#index`. */
function seenByTester(): string[] {
  return inputs.filter((message) => message.input === 'seen' && message.properties.via === 'edge/responder').map((message) => `${message.properties.sender}#${message.properties.index}`);
}

beforeAll(async () => {
  scenario = await startOfflineEdge({
    cloudAddress: CLOUD_ADDRESS,
    hubAddress: HUB_ADDRESS,
    modules: { caller: {}, responder: { desired: { greeting: 'hello' } } },
    routes: ROUTES,
    children: ['child-1', 'child-2', 'ghost'],
    testModules: ['tester'],
  });
  // Online first: the hub syncs its scope, and child-1's twin (desired set in the cloud) is fetched.
  await scenario.cloud.client.updateDesired('child-1', undefined, { interval: 5 });
  await openTester();
  child = await openBlinkingChild();
  expect((await child.getTwin()).properties.desired).toMatchObject({ interval: 5 });
  await modulesReady();
  await scenario.edge.hub.cut();
}, 50_000);

describe('step 3: with the upstream cut', () => {
  it('a child device starts for the first time, restarts and authenticates each time; its telemetry is stored, not sent', async () => {
    expect(scenario.edge.hub.upstreamState).toBe('cut');
    const depth = scenario.upstreamDepth();
    const first = await scenario.openChild('child-2');
    for (let index = 0; index < 3; index++) await first.sendEvent(numbered('child-2', index));
    await first.close();
    const again = await scenario.openChild('child-2');
    await again.sendEvent(numbered('child-2', 3));
    // Stored for $upstream (the route childrenUp), acknowledged to the device, and not in the cloud.
    expect(scenario.upstreamDepth()).toBe(depth + 4);
    expect((await cloudMessages(scenario.cloud)).filter((message) => message.deviceId === 'child-2')).toEqual([]);
    expect(scenario.hubLog.filter((line) => line.startsWith('refused child-2'))).toEqual([]);
  });

  it('refuses a child added in the cloud during the outage: the hub never synced it, and cannot while cut', async () => {
    await scenario.addChild('late-child');
    const late = Client.fromConnectionString(scenario.childConnectionString('late-child'), Mqtt);
    await late.setOptions({ ca: scenario.edge.hub.edgeCa() });
    await expect(late.open()).rejects.toMatchObject({ name: 'UnauthorizedError' });
    await late.close();
    expect(scenario.hubLog).toContainEqual(expect.stringMatching(/^refused late-child: late-child is not in this edge device's scope/));
  });

  it('a module killed while cut is restarted by the agent and signs in again from the cached identity', async () => {
    const killed = scenario.pidOf('responder')!;
    process.kill(killed, 'SIGKILL');
    const restarted = await waitFor('the agent to restart responder', () => {
      const pid = scenario.pidOf('responder');
      return pid !== undefined && pid !== killed ? pid : undefined;
    });
    await waitFor('the restarted responder to connect', () => scenario.moduleLog('responder').includes(`edge/responder: connected (pid ${restarted})`), 30_000);
    if (scenario.methodsReachable) expect((await invokeWhenReady(tester, RESPONDER, 'echo', 'back?')).payload).toMatchObject({ echo: 'back?', pid: restarted });
  });

  it('routes carry messages child → module and module → module', async () => {
    await child.sendEvent(numbered('child-1', 1));
    await tester.sendOutputEvent('toResponder', numbered('tester', 1));
    // child-2's messages, sent in the first test, took the same route.
    const expected = ['child-2#0', 'child-2#1', 'child-2#2', 'child-2#3', 'child-1#1', 'tester#1'];
    if (scenario.methodsReachable) {
      // caller and responder are both modules the agent started.
      expect(await invokeWhenReady(tester, CALLER, 'send', { output: 'toResponder', body: 'from caller', properties: { sender: 'caller', index: '1' } })).toEqual({ status: 200, payload: { sent: true } });
      expected.push('caller#1');
    }
    await waitFor('every message to reach the tester through responder', () => expected.every((id) => seenByTester().includes(id)));
    expect(seenByTester().sort()).toEqual(expected.sort());
  });

  it('direct methods go module → module and module → child through ModuleClient.invokeMethod on 443; 404 when the target is not connected, 504 when it does not answer', async (context) => {
    skipWithoutPort443(scenario, context);
    // A module the test holds calls a module the agent started.
    expect(await invokeThroughHub(tester, RESPONDER, 'echo', { from: 'tester' })).toMatchObject({ status: 200, payload: { echo: { from: 'tester' }, module: 'edge/responder' } });
    // Module → module and module → child, both made by caller, an SDK module started by the agent.
    const relay = (call: Record<string, unknown>) => invokeThroughHub(tester, CALLER, 'invoke', call, 20);
    expect(await relay({ deviceId: EDGE, moduleId: 'responder', methodName: 'echo', payload: { from: 'caller' } })).toMatchObject({ status: 200, payload: { status: 200, payload: { echo: { from: 'caller' }, module: 'edge/responder' } } });
    expect(await relay({ deviceId: 'child-1', methodName: 'blink', payload: { times: 3 } })).toEqual({ status: 200, payload: { status: 200, payload: { blinked: { times: 3 } } } });
    // edgeHub's answers: 404 for a child that is not connected, 504 when the target keeps silent.
    expect(await relay({ deviceId: 'ghost', methodName: 'blink' })).toMatchObject({ status: 200, payload: { error: { statusCode: 404 } } });
    expect(await relay({ deviceId: EDGE, moduleId: 'responder', methodName: 'silent', responseTimeoutInSeconds: 5 })).toMatchObject({ status: 200, payload: { error: { statusCode: 504, name: 'GatewayTimeoutError' } } });
    expect(await invokeThroughHub(tester, { deviceId: 'ghost' }, 'blink')).toMatchObject({ httpStatus: 404 });
  }, 40_000);

  it('accepts reported properties at once, merges them per identity, and answers getTwin from the stored twin', async () => {
    const twin = await child.getTwin();
    // Fetched while online, answered now from the hub's stored copy.
    expect(twin.properties.desired).toMatchObject({ interval: 5 });
    await updateReported(twin, { battery: 80, mode: 'eco' });
    await updateReported(twin, { battery: 75 });
    await updateReported(twin, { mode: null });
    const read = await child.getTwin();
    expect(read.properties.reported).toMatchObject({ battery: 75 });
    expect(read.properties.reported).not.toHaveProperty('mode');
    expect((await scenario.edge.hub.twins.get({ deviceId: 'child-1' })).reported).toMatchObject({ battery: 75 });
    // Nothing reached the cloud yet.
    expect((await scenario.cloud.client.getTwin('child-1')).properties.reported).not.toHaveProperty('battery');
    if (scenario.methodsReachable) {
      // A module the agent started does the same through its own SDK client.
      const answer = await invokeThroughHub(tester, RESPONDER, 'twin', { reported: { state: 'ok' } });
      expect(answer).toMatchObject({ status: 200, payload: { desired: { greeting: 'hello' }, reported: { state: 'ok' } } });
    }
  });

  it('after a hub restart while still cut, the modules and the child start again and authenticate, the stored telemetry and twins are kept, and routes and methods work', async () => {
    const depth = scenario.upstreamDepth();
    const pids = { caller: scenario.pidOf('caller'), responder: scenario.pidOf('responder') };
    await scenario.restartEdge();
    expect(scenario.edge.hub.upstreamState).toBe('cut');
    expect(scenario.upstreamDepth()).toBe(depth);

    await openTester();
    child = await openBlinkingChild();
    await modulesReady();
    expect(scenario.pidOf('caller')).not.toBe(pids.caller);
    expect(scenario.pidOf('responder')).not.toBe(pids.responder);
    const twin = await child.getTwin();
    expect(twin.properties.desired).toMatchObject({ interval: 5 });
    expect(twin.properties.reported).toMatchObject({ battery: 75 });

    await child.sendEvent(numbered('child-1', 2));
    await waitFor("child-1's message to reach the tester after the restart", () => seenByTester().includes('child-1#2'));
    expect(scenario.upstreamDepth()).toBe(depth + 1);
    if (scenario.methodsReachable) {
      expect(await invokeThroughHub(tester, CALLER, 'invoke', { deviceId: 'child-1', methodName: 'blink', payload: 'after restart' }, 20)).toEqual({ status: 200, payload: { status: 200, payload: { blinked: 'after restart' } } });
    }
    expect(scenario.hubLog.filter((line) => line.startsWith('refused ') && !line.startsWith('refused late-child:'))).toEqual([]);
  }, 45_000);

  it('after restore, the telemetry stored while cut reaches the cloud', async () => {
    await scenario.edge.hub.restore();
    const sent = ['child-2#0', 'child-2#1', 'child-2#2', 'child-2#3', 'child-1#1', 'child-1#2'];
    const arrived = await waitFor('the stored telemetry in the cloud', async () => {
      const found = (await cloudMessages(scenario.cloud)).map((message) => `${message.properties.sender}#${message.properties.index}`);
      return sent.every((id) => found.includes(id)) ? found : undefined;
    });
    // In the order it was stored, per device.
    for (const device of ['child-1', 'child-2']) {
      const own = arrived.filter((id) => id.startsWith(`${device}#`));
      expect(own.filter((id, position) => own.indexOf(id) === position)).toEqual(sent.filter((id) => id.startsWith(`${device}#`)));
    }
  });
});
