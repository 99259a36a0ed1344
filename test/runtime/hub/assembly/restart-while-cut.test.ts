// A hub restarted during a simulated outage (`hub upstream cut`) starts with its upstream link
// already cut: it never opens a connection to the cloud, not even for the moment between making
// the link and cutting it, and a child that connects meanwhile opens none either. The cloud of the
// restarted hub is a listener that counts the connections it accepts and never answers; the link's
// state history is read from the hub's log, where the link writes every change as `upstream: STATE`.
// The history is the sharper witness: cutting a link right after making it (as start-hub.ts did)
// destroys the first attempt's socket in the same tick, before a SYN, but the link had gone
// `connecting` and logs the change to `cut`.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, afterEach, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { startHub, type RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { hubManifest, rawConnect, removeTempFolders, startScenario, STANDARD_ROUTES, tempFolder, waitFor, type Scenario } from './hub-support.js';

let scenario: Scenario | undefined;
const hubs: RunningHub[] = [];
let silentCloud: { server: Server; sockets: Set<Socket> } | undefined;
const hubLog: string[] = [];

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`the hub's log:\n${hubLog.join('\n')}`);
});

afterAll(async () => {
  for (const hub of hubs) await hub.close();
  await scenario?.close();
  if (silentCloud) {
    for (const socket of silentCloud.sockets) socket.destroy();
    await new Promise((resolve) => silentCloud!.server.close(resolve));
  }
  removeTempFolders();
});

/** A TCP listener that accepts and never answers: every socket the hub opens to it stays visible. */
async function startSilentCloud(): Promise<{ port: number; accepted: () => number; open: () => number }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    // Read and drop what comes, so the client's close is seen (a paused socket never reads the FIN).
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  silentCloud = { server, sockets };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, accepted: () => accepted, open: () => sockets.size };
}

async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

function upstreamStates(): string[] {
  return hubLog.map((line) => /^upstream: (connecting|connected|disconnected|cut)$/.exec(line)?.[1]).filter((state): state is string => state !== undefined);
}

it('opens no cloud connection when restarted while cut, until restore', async () => {
  scenario = await startScenario();
  const dataFolder = tempFolder();
  const manifest = await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' });
  // The first run syncs the identity cache (the keys the link signs with) and leaves the upstream cut.
  const first = await startHub({ dataFolder, manifest, connectionString: scenario.edgeConnectionString, cloudCa: scenario.cloud.ca, cloudHttpsPort: scenario.cloud.running.info.https.port, mqttPort: 0, httpsPort: 0 });
  hubs.push(first);
  await waitFor('the upstream to connect', () => first.upstreamState === 'connected');
  await first.cut();
  await first.close();

  const cloud = await startSilentCloud();
  const connectionString = scenario.edgeConnectionString.replace(/HostName=[^;]+/, `HostName=127.0.0.1:${cloud.port}`);
  const second = await startHub({
    dataFolder,
    manifest,
    connectionString,
    cloudCa: scenario.cloud.ca,
    cloudHttpsPort: await closedPort(),
    mqttPort: 0,
    httpsPort: 0,
    upstreamBackoff: { minMs: 50, maxMs: 200 },
    log: (line) => hubLog.push(line),
  });
  hubs.push(second);
  expect(second.upstreamState).toBe('cut');

  // A child connects (authenticated from the cache) and sends while cut: the message is queued, no cloud connection opens.
  const audience = '127.0.0.1';
  const key = scenario.keys.get('child-a')!;
  const child = await rawConnect(second.info, 'child-a', `${audience}/child-a/?api-version=2021-04-12`, signSasToken(`${audience}/devices/child-a`, key, Math.floor(Date.now() / 1000) + 600));
  await child.publishAsync('devices/child-a/messages/events/', 'while cut', { qos: 1 });
  expect(second.status().queues.find((queue) => queue.endpoint === '$upstream')?.depth).toBe(1);
  await child.endAsync();

  expect(cloud.accepted()).toBe(0);
  // The link was made cut: it never went through connecting, nor changed to cut.
  expect(upstreamStates()).toEqual([]);

  // Restore: now the hub does connect (the listener sees it), and close() ends the half-made connection.
  await second.restore();
  await waitFor('the hub to open a connection to the cloud', () => cloud.accepted() > 0);
  expect(upstreamStates()[0]).toBe('connecting');
  await second.close();
  await waitFor('no socket left open to the cloud', () => cloud.open() === 0);
}, 55_000);
