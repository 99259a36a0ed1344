// The `edgewise cloud` verbs, run as the real executable (bin/edgewise.js) against an emulator
// started in-process: the connection string `device add` prints works unchanged with the official
// device SDK, the message it sends shows in `cloud messages`, `deploy` lints and then sets the
// $edgeAgent, $edgeHub and module twins, and each failure is one line with its exit code.
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { Message, type Client } from 'azure-iot-device';
import { BIN, ROOT, runCli, startTestCloud, tempFolder, type TestCloud } from './cloud-support.js';
import { openDevice } from './sdk-clients.js';

let cloud: TestCloud;
const devices: Client[] = [];
/** Temp folders the tests below make (the emulator's own is removed by cloud.close()). */
const folders: string[] = [];

/** A temp folder that is removed after the tests of this file. */
function testFolder(): string {
  const folder = tempFolder();
  folders.push(folder);
  return folder;
}

beforeAll(async () => {
  cloud = await startTestCloud();
});

afterAll(async () => {
  await Promise.all(devices.map((device) => device.close()));
  await cloud.close();
});

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const edgewise = (...args: string[]) => runCli(['cloud', ...args, '--data', cloud.folder]);

describe('edgewise cloud device and module verbs', () => {
  it('prints a connection string that the device SDK uses unchanged, and the message it sends shows in `cloud messages`', async () => {
    const added = await edgewise('device', 'add', 'cli-sensor');
    expect(added).toMatchObject({ code: 0, stderr: '' });
    const connectionString = added.stdout.trim();
    expect(connectionString).toMatch(new RegExp(`^HostName=127\\.0\\.0\\.1:${cloud.running.info.mqtt.port};DeviceId=cli-sensor;SharedAccessKey=[A-Za-z0-9+/]+=*$`));
    const device = await openDevice(cloud, connectionString);
    devices.push(device);
    const message = new Message('{"temperature":21.5}');
    message.properties.add('unit', 'celsius');
    await device.sendEvent(message);
    const listed = await edgewise('messages');
    expect(listed.code).toBe(0);
    const messages = JSON.parse(listed.stdout) as Record<string, unknown>[];
    expect(messages.filter((entry) => entry.deviceId === 'cli-sensor')).toEqual([
      {
        sequenceNumber: expect.any(Number),
        deviceId: 'cli-sensor',
        moduleId: null,
        body: '{"temperature":21.5}',
        properties: { unit: 'celsius' },
        systemProperties: expect.objectContaining({ 'iothub-connection-device-id': 'cli-sensor' }),
        enqueuedTimeUtc: expect.any(String),
      },
    ]);
    const from = (messages.at(-1)!.sequenceNumber as number) + 1;
    expect(JSON.parse((await edgewise('messages', '--from', String(from))).stdout)).toEqual([]);
  });

  it('adds edge devices, children and modules; refuses a parent that is not an edge device and a second parent', async () => {
    const edge = JSON.parse((await edgewise('device', 'add', 'cli-edge', '--edge', '--json')).stdout);
    expect(edge).toMatchObject({ deviceId: 'cli-edge', edge: true, parent: null, connectionString: expect.stringContaining('DeviceId=cli-edge;') });
    await edgewise('device', 'add', 'cli-edge-2', '--edge');
    const child = await edgewise('device', 'add', 'cli-child', '--parent', 'cli-edge');
    expect(child.code).toBe(0);
    expect(child.stderr).toContain(';GatewayHostName=ADDR:PORT');
    expect(JSON.parse((await edgewise('device', 'show', 'cli-child', '--json')).stdout)).toMatchObject({ deviceId: 'cli-child', parentScopes: [expect.stringMatching(/^ms-azure-iot-edge:\/\/cli-edge-/)] });

    const second = await edgewise('device', 'add', 'cli-child', '--parent', 'cli-edge-2');
    expect(second.code).toBe(1);
    expect(second.stdout).toBe('');
    expect(second.stderr).toMatch(/^edgewise cloud device add: device cli-child exists with parent cli-edge, and a device has exactly one parent.*\n$/);
    const notEdge = await edgewise('device', 'add', 'cli-grandchild', '--parent', 'cli-child');
    expect(notEdge).toMatchObject({ code: 1, stdout: '' });
    expect(notEdge.stderr).toBe('edgewise cloud device add: cli-child cannot be a parent: only IoT Edge devices can (add one with --edge) (400 ArgumentInvalid)\n');

    const module = await edgewise('module', 'add', 'cli-edge', 'filter');
    expect(module.stdout.trim()).toMatch(/^HostName=127\.0\.0\.1:\d+;DeviceId=cli-edge;ModuleId=filter;SharedAccessKey=.+$/);
    const list = await edgewise('device', 'list');
    expect(list.stdout.split('\n')[0]).toMatch(/^DEVICE\s+KIND\s+STATUS\s+CONNECTION\s+PARENT$/);
    expect(list.stdout).toMatch(/cli-child\s+device\s+enabled\s+Disconnected\s+cli-edge\n/);
    const show = await edgewise('device', 'show', 'cli-edge');
    expect(show.stdout).toMatch(/modules\s*: \$edgeAgent, \$edgeHub, filter\n/);
  });

  it('disables, enables and removes a device; a disabled device cannot connect', async () => {
    const connectionString = (await edgewise('device', 'add', 'cli-toggle')).stdout.trim();
    expect((await edgewise('device', 'disable', 'cli-toggle')).stdout).toBe('device cli-toggle is disabled\n');
    await expect(openDevice(cloud, connectionString)).rejects.toThrow();
    expect(JSON.parse((await edgewise('device', 'enable', 'cli-toggle', '--json')).stdout)).toEqual({ deviceId: 'cli-toggle', status: 'enabled' });
    expect((await edgewise('device', 'remove', 'cli-toggle')).stdout).toBe('removed device cli-toggle, its modules and its twins\n');
    const gone = await edgewise('device', 'show', 'cli-toggle');
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/^edgewise cloud device show: .*\(404 DeviceNotFound\); list the devices with `edgewise cloud device list`\n$/);
  });
});

describe('edgewise cloud twin and invoke', () => {
  it('shows a twin and merges a desired patch', async () => {
    await edgewise('device', 'add', 'cli-twin');
    const updated = JSON.parse((await edgewise('twin', 'update', 'cli-twin', '--desired', '{"interval":5,"mode":"eco"}')).stdout);
    expect(updated.properties.desired).toMatchObject({ interval: 5, mode: 'eco' });
    await edgewise('twin', 'update', 'cli-twin', '--desired', '{"mode":null}');
    const shown = JSON.parse((await edgewise('twin', 'show', 'cli-twin')).stdout);
    expect(shown.properties.desired.interval).toBe(5);
    expect(shown.properties.desired).not.toHaveProperty('mode');
    const bad = await edgewise('twin', 'update', 'cli-twin', '--desired', '[1]');
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe(`edgewise: --desired must be a JSON object, e.g. --desired '{"interval": 5}'\n`);
    const system = await edgewise('twin', 'update', 'cli-edge/$edgeAgent', '--desired', '{"a":1}');
    expect(system.code).toBe(1);
    expect(system.stderr).toContain('SystemModuleModifyUnauthorizedAccess');
  });

  it('invokes a method on a connected device and prints its status and payload; a disconnected one gives 404', async () => {
    const connectionString = (await edgewise('device', 'add', 'cli-method')).stdout.trim();
    const device = await openDevice(cloud, connectionString);
    devices.push(device);
    device.onDeviceMethod('getReading', (request, response) => void response.send(200, { reading: 42, asked: request.payload }));
    // Waits for the SDK's method subscription, which follows open() asynchronously.
    await cloud.client.invokeMethod('cli-method', undefined, 'getReading', { connectTimeoutInSeconds: 10 });
    const invoked = await edgewise('invoke', 'cli-method', 'getReading', '--payload', '{"unit":"C"}', '--timeout', '10');
    expect(invoked).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(invoked.stdout)).toEqual({ status: 200, payload: { reading: 42, asked: { unit: 'C' } } });
    const offline = await edgewise('invoke', 'cli-twin', 'getReading');
    expect(offline).toMatchObject({ code: 1, stdout: '' });
    expect(offline.stderr).toBe('edgewise cloud invoke: Timed out waiting for device to connect. (404 DeviceNotOnline); the target is not connected, or has not subscribed to direct methods; connect it and retry\n');
  });
});

describe('edgewise cloud deploy', () => {
  it('puts the manifest desired properties in the $edgeAgent, $edgeHub and module twins', async () => {
    await edgewise('device', 'add', 'cli-deploy', '--edge');
    const manifest = join(ROOT, 'templates', 'sensor-pipeline.json');
    const deployed = await edgewise('deploy', 'cli-deploy', manifest, '--json');
    expect(deployed.code).toBe(0);
    expect(JSON.parse(deployed.stdout)).toMatchObject({ deviceId: 'cli-deploy', modules: ['$edgeAgent', '$edgeHub', 'filtermodule'] });
    const content = JSON.parse((await import('node:fs')).readFileSync(manifest, 'utf8')).modulesContent as Record<string, { 'properties.desired': Record<string, unknown> }>;
    for (const module of ['$edgeAgent', '$edgeHub', 'filtermodule']) {
      const twin = await cloud.client.getTwin('cli-deploy', module);
      const { $version: _version, $metadata: _metadata, ...desired } = twin.properties.desired;
      expect(desired).toEqual(content[module]!['properties.desired']);
    }
  });

  it('refuses a manifest with lint errors (exit 1, one line per error) and changes nothing', async () => {
    const folder = testFolder();
    const broken = join(folder, 'broken.json');
    writeFileSync(broken, JSON.stringify({ modulesContent: { $edgeAgent: { 'properties.desired': { schemaVersion: '1.1' } }, $edgeHub: { 'properties.desired': { schemaVersion: '1.1' } } } }));
    const before = await cloud.client.getTwin('cli-deploy', '$edgeAgent');
    const refused = await edgewise('deploy', 'cli-deploy', broken);
    expect(refused).toMatchObject({ code: 1, stdout: '' });
    expect(refused.stderr).toMatch(new RegExp(`^edgewise cloud deploy: refused to apply ${broken.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} to cli-deploy: it has \\d+ lint errors?:\n(.+:\\d+:\\d+  error  .+\n)+$`));
    expect((await cloud.client.getTwin('cli-deploy', '$edgeAgent')).properties.desired).toEqual(before.properties.desired);
  });

  it('refuses a manifest that does not parse as a lint error (exit 1, with its place), not as a usage error', async () => {
    const trailing = join(testFolder(), 'trailing.json');
    writeFileSync(trailing, '{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1"}},}}');
    const refused = await edgewise('deploy', 'cli-deploy', trailing);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^edgewise cloud deploy: refused to apply .*trailing\.json to cli-deploy: it has 1 lint error:\n.*trailing\.json:1:\d+  error  /);
  });
});

describe('edgewise cloud verbs given an empty id', () => {
  it('refuse it as a usage error (exit 2) before asking the hub', async () => {
    for (const args of [['device', 'show', ''], ['device', 'remove', ''], ['module', 'add', 'cli-sensor', ''], ['invoke', '', 'reboot']]) {
      const result = await edgewise(...args);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '' });
      expect(result.stderr, args.join(' ')).toMatch(/^edgewise: an empty device or module id names no identity/);
    }
  });
});

describe('edgewise cloud without an emulator', () => {
  const noEmulator = (folder: string) => ({ code: 2, stdout: '', stderr: `edgewise: no emulator at ${folder}: start it with \`edgewise cloud serve --data ${folder}\`\n` });

  it('says so in one line and exits 2', async () => {
    const folder = testFolder();
    expect(await runCli(['cloud', 'device', 'list', '--data', folder])).toEqual(noEmulator(folder));
  });

  it('says the same when cloud.json is left by an emulator that no longer runs', async () => {
    const folder = testFolder();
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as AddressInfo;
        server.close(() => resolve(port));
      });
    });
    writeFileSync(join(folder, 'cloud.json'), JSON.stringify({ ...cloud.running.info, https: { host: '127.0.0.1', port: closedPort } }));
    expect(await runCli(['cloud', 'twin', 'show', 'anything', '--data', folder])).toEqual(noEmulator(folder));
  });
});

describe('edgewise cloud messages --follow', () => {
  it('prints messages as they arrive and closes the JSON array on Ctrl-C', async () => {
    const connectionString = (await edgewise('device', 'add', 'cli-follow')).stdout.trim();
    const device = await openDevice(cloud, connectionString);
    devices.push(device);
    const start = ((await cloud.client.readMessages()).at(-1)?.sequenceNumber ?? 0) + 1;
    const child = spawn(process.execPath, [BIN, 'cloud', 'messages', '--follow', '--from', String(start), '--data', cloud.folder], { cwd: ROOT });
    let stdout = '';
    const seen = new Promise<void>((resolve) =>
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
        if (stdout.includes('followed-message')) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    onTestFinished(() => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });
    await device.sendEvent(new Message('followed-message'));
    await seen;
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const printed = JSON.parse(stdout) as { deviceId: string; body: string }[];
    expect(printed.map((message) => [message.deviceId, message.body])).toEqual([['cli-follow', 'followed-message']]);
  });
});

describe('edgewise cloud send', () => {
  it('queues a cloud-to-device message that the device SDK receives with its properties, and prints its id', async () => {
    const connectionString = (await edgewise('device', 'add', 'cli-c2d')).stdout.trim();
    const sent = await edgewise('send', 'cli-c2d', '--body', 'reboot at 3', '--property', 'priority=high', '--property', 'reason=update', '--json');
    // Sent before the device ever connected: said on stderr, the id still on stdout for scripts.
    expect(sent).toMatchObject({ code: 0, stderr: 'edgewise cloud send: cli-c2d is not connected; the message waits in the cloud until cli-c2d connects, or until it expires\n' });
    const { messageId } = JSON.parse(sent.stdout) as { messageId: string };
    const device = await openDevice(cloud, connectionString);
    devices.push(device);
    const message = await new Promise<Message>((resolve) => device.on('message', (received: Message) => device.complete(received, () => resolve(received))));
    expect(message.getBytes().toString('utf8')).toBe('reboot at 3');
    expect(message.messageId).toBe(messageId);
    expect([0, 1].map((index) => message.properties.getItem(index))).toEqual([
      { key: 'priority', value: 'high' },
      { key: 'reason', value: 'update' },
    ]);
  });

  it('says when the target is behind an offline edge device: a message waits in the cloud, a method fails naming that edge device', async () => {
    expect((await edgewise('device', 'add', 'cli-offline-edge', '--edge')).code).toBe(0);
    expect((await edgewise('device', 'add', 'cli-offline-child', '--parent', 'cli-offline-edge')).code).toBe(0);
    const sent = await edgewise('send', 'cli-offline-child', '--body', 'x');
    expect(sent).toMatchObject({ code: 0, stderr: 'edgewise cloud send: cli-offline-child is behind the edge device cli-offline-edge, which is offline; the message waits in the cloud until cli-offline-child connects, or until it expires\n' });
    const invoked = await edgewise('invoke', 'cli-offline-child', 'reboot');
    expect(invoked).toMatchObject({
      code: 1,
      stderr: 'edgewise cloud invoke: Timed out waiting for device to connect. (404 DeviceNotOnline); cli-offline-child is behind the edge device cli-offline-edge, which is offline: a method from the cloud needs its upstream link; retry once cli-offline-edge reconnects\n',
    });
    expect((await edgewise('module', 'add', 'cli-offline-edge', 'filter')).code).toBe(0);
    const module = await edgewise('invoke', 'cli-offline-edge/filter', 'reset');
    expect(module.stderr).toMatch(/; cli-offline-edge\/filter is behind the edge device cli-offline-edge, which is offline: /);
  });

  it('fails in one line for an unknown device and for a property that is not KEY=VALUE', async () => {
    const unknown = await edgewise('send', 'no-such-device', '--body', 'x');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^edgewise cloud send: .*404 DeviceNotFound.*\n$/);
    const bad = await edgewise('send', 'cli-c2d', '--body', 'x', '--property', 'novalue');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('edgewise: --property novalue is not KEY=VALUE; write e.g. --property priority=high\n');
  });
});
