// The official service SDK (azure-iothub) against the emulator, unchanged. The SDK builds its
// URLs from the connection string's HostName alone and always reaches port 443 (docs/FACTS.md
// §9), so the emulator listens on 443 of a second loopback address, 127.0.0.2 (CI runs as
// root), and takes that address as its name, which then resolves without a hosts entry.
// The SDK takes its CA trust from the process (it has no public option for it on Registry), so
// it runs in a child process started with NODE_EXTRA_CA_CERTS naming the emulator's CA
// (test/fixtures/cloud-service/service-sdk-client.mjs); the device side uses the device SDK
// in-process, trusting the CA through its own options.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'azure-iot-device';
import { ROOT, startTestCloud, type TestCloud } from './cloud-support.js';
import { openDevice } from './sdk-clients.js';

const SDK_CLIENT = join(ROOT, 'test', 'fixtures', 'cloud-service', 'service-sdk-client.mjs');
const ADDRESS = '127.0.0.2';

let cloud: TestCloud;
let device: Client | undefined;

beforeAll(async () => {
  cloud = await startTestCloud({ address: ADDRESS, httpsPort: 443, mqttPort: 0, name: ADDRESS });
});

afterAll(async () => {
  await device?.close();
  await cloud.close();
});

function runSdk(step: 'registry' | 'invoke'): Promise<Record<string, any>> {
  const argument = JSON.stringify({ connectionString: cloud.running.info.serviceConnectionString, step });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SDK_CLIENT, argument], { cwd: ROOT, env: { ...process.env, NODE_EXTRA_CA_CERTS: cloud.running.info.ca } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout)) : reject(new Error(`the SDK client exited ${code}: ${stderr}`))));
  });
}

describe('azure-iothub against edgewise cloud on 127.0.0.2:443', () => {
  it('serves the service connection string the SDK reads: HostName is the name, on 443', () => {
    expect(cloud.running.info.serviceConnectionString).toMatch(/^HostName=127\.0\.0\.2;SharedAccessKeyName=iothubowner;SharedAccessKey=.+$/);
    expect(cloud.running.info.https).toEqual({ host: ADDRESS, port: 443 });
  });

  it('creates, reads and lists devices and updates a twin with Registry, with the errors the SDK maps', async () => {
    const result = await runSdk('registry');
    expect(result.created).toMatchObject({ deviceId: 'sdk-device', status: 'enabled', authentication: { type: 'sas' } });
    expect(result.created.authentication.symmetricKey.primaryKey).not.toBe('');
    expect(result.fetched).toMatchObject({ deviceId: 'sdk-device', etag: result.created.etag });
    expect(result.duplicate).toEqual({ error: 'DeviceAlreadyExistsError', statusCode: 409 });
    expect(result.missing).toEqual({ error: 'DeviceNotFoundError', statusCode: 404 });
    expect(result.desired).toMatchObject({ interval: 10 });
    expect(result.devices).toEqual(['sdk-device', 'sdk-offline']);
  });

  it("invokes a method with Client.invokeDeviceMethod: the device's status and payload; 404 for a disconnected device", async () => {
    const { authentication } = await cloud.client.getDevice('sdk-device');
    device = await openDevice(cloud, cloud.client.connectionString('sdk-device', authentication.symmetricKey.primaryKey));
    device.onDeviceMethod('reboot', (request, response) => void response.send(202, { rebooting: true, delay: (request.payload as { delay: number }).delay }));
    const result = await runSdk('invoke');
    expect(result.answered).toEqual({ status: 202, payload: { rebooting: true, delay: 1 } });
    expect(result.offline).toEqual({ error: 'Error', statusCode: 404 });
  });
});
