// `edgewise cloud serve`: in-process (startCloud on ports the OS chooses) and as the real
// executable (bin/edgewise.js) in a child process that is stopped with SIGTERM and SIGINT. What
// it makes on first start (certificates, iothubowner key, store) and what it keeps across a
// restart (registry, messages) are checked through cloud.json, the REST API and the device SDK.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Message, type Client, type ModuleClient } from 'azure-iot-device';
import { startCloud } from '../../../src/runtime/cloud/cloud-server.js';
import { ServiceClient } from '../../../src/runtime/cloud/service-client.js';
import { BIN, runCli, startTestCloud, tempFolder, ROOT } from './cloud-support.js';
import { openDevice, openModule } from './sdk-clients.js';

const folders: string[] = [];
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('startCloud', () => {
  it('writes cloud.json when ready, keeps its keys, certificates and registry across a restart, and removes cloud.json on close', async () => {
    const folder = tempFolder();
    folders.push(folder);
    const first = await startTestCloud({ dataFolder: folder });
    const infoPath = join(folder, 'cloud.json');
    const info = JSON.parse(readFileSync(infoPath, 'utf8'));
    expect(info).toEqual(first.running.info);
    expect(info).toMatchObject({ hostName: 'local-hub', mqtt: { host: '127.0.0.1', port: expect.any(Number) }, https: { host: '127.0.0.1', port: expect.any(Number) } });
    expect(info.mqtt.port).toBeGreaterThan(0);
    expect(info.serviceConnectionString).toMatch(/^HostName=local-hub;SharedAccessKeyName=iothubowner;SharedAccessKey=[A-Za-z0-9+/]{43}=$/);
    expect(readFileSync(info.ca, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    // It holds the owner key: only its owner may read it.
    expect(statSync(infoPath).mode & 0o077).toBe(0);
    await first.client.createDevice('kept');
    await first.running.close();
    expect(existsSync(infoPath)).toBe(false);

    const second = await startCloud({ dataFolder: folder, mqttPort: 0, httpsPort: 0 });
    try {
      expect(second.info.serviceConnectionString).toBe(info.serviceConnectionString);
      expect(readFileSync(second.info.ca, 'utf8')).toBe(readFileSync(info.ca, 'utf8'));
      expect((await ServiceClient.fromDataFolder(folder).getDevice('kept')).deviceId).toBe('kept');
    } finally {
      await second.close();
    }
  });

  it('says which port is taken when one is, and leaves the running emulator alone', async () => {
    const running = await startTestCloud();
    folders.push(running.folder);
    const other = tempFolder();
    folders.push(other);
    try {
      await expect(startCloud({ dataFolder: other, mqttPort: running.running.info.mqtt.port, httpsPort: 0 })).rejects.toThrow(`127.0.0.1:${running.running.info.mqtt.port} is in use (another emulator?); choose another port with --mqtt-port`);
      await expect(startCloud({ dataFolder: other, mqttPort: 0, httpsPort: running.running.info.https.port })).rejects.toThrow(/--https-port/);
      expect(existsSync(join(other, 'cloud.json'))).toBe(false);
      expect(await running.client.listDevices()).toEqual([]);
    } finally {
      await running.close();
    }
  });
});

/** Starts `edgewise cloud serve` and resolves with its one line once it listens. */
function serve(folder: string): Promise<{ child: ChildProcessWithoutNullStreams; line: string; exited: Promise<{ code: number | null; stderr: string }> }> {
  const child = spawn(process.execPath, [BIN, 'cloud', 'serve', '--data', folder, '--mqtt-port', '0', '--https-port', '0'], { cwd: ROOT });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve({ child, line: stdout, exited });
    });
    void exited.then(({ code }) => reject(new Error(`serve exited ${code} before listening: ${stderr}`)));
  });
}

describe('edgewise cloud serve (the executable)', () => {
  it('serves until SIGTERM, exits 0, and a restart keeps the registry and the messages', async () => {
    const folder = tempFolder();
    folders.push(folder);
    const first = await serve(folder);
    const info = JSON.parse(readFileSync(join(folder, 'cloud.json'), 'utf8'));
    expect(first.line).toBe(`edgewise cloud: local-hub listening on mqtts://127.0.0.1:${info.mqtt.port} (devices) and https://127.0.0.1:${info.https.port} (service API); details in ${join(folder, 'cloud.json')}\n`);
    const client = ServiceClient.fromDataFolder(folder);
    const device = await client.createDevice('survivor');
    const ca = readFileSync(info.ca, 'utf8');
    const sender = await openDevice({ ca }, client.connectionString('survivor', device.authentication.symmetricKey.primaryKey));
    await sender.sendEvent(new Message('before restart'));
    await sender.close();
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, stderr: '' });
    expect(existsSync(join(folder, 'cloud.json'))).toBe(false);

    const second = await serve(folder);
    const again = ServiceClient.fromDataFolder(folder);
    expect((await again.getDevice('survivor')).deviceId).toBe('survivor');
    expect((await again.readMessages()).map((message) => [message.deviceId, message.body])).toEqual([['survivor', 'before restart']]);
    second.child.kill('SIGINT');
    expect(await second.exited).toEqual({ code: 0, stderr: '' });
  });

  it('lists telemetry from a device and a module in `cloud messages` in arrival order, with properties, and still after a restart', async () => {
    const folder = tempFolder();
    folders.push(folder);
    const cloud = (...args: string[]) => runCli(['cloud', ...args, '--data', folder]);
    const first = await serve(folder);
    const ca = readFileSync(JSON.parse(readFileSync(join(folder, 'cloud.json'), 'utf8')).ca, 'utf8');
    const meter = await cloud('device', 'add', 'meter');
    expect(meter).toMatchObject({ code: 0, stderr: '' });
    expect((await cloud('device', 'add', 'gateway')).code).toBe(0);
    const filter = await cloud('module', 'add', 'gateway', 'filter');
    expect(filter).toMatchObject({ code: 0, stderr: '' });

    const clients: (Client | ModuleClient)[] = [];
    try {
      const device = await openDevice({ ca }, meter.stdout.trim());
      clients.push(device);
      const module = await openModule({ ca }, filter.stdout.trim());
      clients.push(module);
      const message = (body: string, step: string): Message => {
        const built = new Message(body);
        built.properties.add('step', step);
        return built;
      };
      // One after the other: each send resolves on its PUBACK, so this is the arrival order.
      await device.sendEvent(message('{"reading":1}', 'first'));
      await module.sendEvent(message('{"filtered":2}', 'second'));
      await device.sendEvent(message('{"reading":3}', 'third'));
    } finally {
      await Promise.all(clients.map((client) => client.close()));
    }
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, stderr: '' });

    const second = await serve(folder);
    const listed = await cloud('messages');
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const messages = JSON.parse(listed.stdout) as { sequenceNumber: number; deviceId: string; moduleId: string | null; body: string; properties: Record<string, string> }[];
    expect(messages.map(({ deviceId, moduleId, body, properties }) => ({ deviceId, moduleId, body, properties }))).toEqual([
      { deviceId: 'meter', moduleId: null, body: '{"reading":1}', properties: { step: 'first' } },
      { deviceId: 'gateway', moduleId: 'filter', body: '{"filtered":2}', properties: { step: 'second' } },
      { deviceId: 'meter', moduleId: null, body: '{"reading":3}', properties: { step: 'third' } },
    ]);
    const sequence = messages.map((entry) => entry.sequenceNumber);
    expect(sequence[0]).toBeLessThan(sequence[1]!);
    expect(sequence[1]).toBeLessThan(sequence[2]!);
    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, stderr: '' });
  });
});
