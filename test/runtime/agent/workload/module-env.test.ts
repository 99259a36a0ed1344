// The IOTEDGE_* environment: what azure-iot-device's ModuleClient.fromEnvironment needs for its
// edge mode (module_client.js validateEnvironment), and workload URIs that survive the legacy
// url.parse the SDK reads them with.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'node:url';
import { ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { CONTAINER_WORKLOAD_URI, moduleEnvironment, workloadUriFor } from '../../../../src/runtime/agent/workload/module-env.js';
import { startWorkloadServer, type WorkloadServer } from '../../../../src/runtime/agent/workload/workload-server.js';

const INPUT = {
  edgeDeviceId: 'edge',
  moduleId: 'filter',
  iotHubHostName: 'hub.example',
  gatewayHostName: 'edge-box',
  generationId: '638000000000000001',
  workloadUri: CONTAINER_WORKLOAD_URI,
};

describe('moduleEnvironment', () => {
  it('gives the eight IOTEDGE_* variables IoT Edge gives a module, with auth scheme sasToken', () => {
    expect(moduleEnvironment(INPUT)).toEqual({
      IOTEDGE_WORKLOADURI: 'unix:///var/run/iotedge/workload.sock',
      IOTEDGE_DEVICEID: 'edge',
      IOTEDGE_MODULEID: 'filter',
      IOTEDGE_IOTHUBHOSTNAME: 'hub.example',
      IOTEDGE_GATEWAYHOSTNAME: 'edge-box',
      IOTEDGE_AUTHSCHEME: 'sasToken',
      IOTEDGE_MODULEGENERATIONID: '638000000000000001',
      IOTEDGE_APIVERSION: '2019-01-30',
    });
    expect(moduleEnvironment({ ...INPUT, apiVersion: '2018-06-28' }).IOTEDGE_APIVERSION).toBe('2018-06-28');
  });
});

describe('workloadUriFor', () => {
  it('names a host socket as unix://PATH, and the SDK’s url.parse gives back exactly that path', () => {
    for (const path of ['/tmp/edgewise/workload/filter.sock', "/srv/a$b(c)+d,e;f=g@h!i*j&k/~x.sock"]) {
      const uri = workloadUriFor(path);
      expect(uri).toBe(`unix://${path}`);
      expect(parse(uri).pathname).toBe(path);
    }
  });

  it('refuses a path the SDK would misread (a space or a quote is escaped, # and ? cut it short), saying what to do', () => {
    for (const path of ['/tmp/my data/filter.sock', '/tmp/a#b/filter.sock', '/tmp/a?b/filter.sock', "/tmp/it's/filter.sock", '/tmp/{x}/filter.sock']) {
      expect(parse(`unix://${path}`).pathname).not.toBe(path);
      expect(() => workloadUriFor(path)).toThrow(InputError);
    }
    // These survive the Node SDK's parse but not SDKs that percent-decode the URI.
    for (const path of ['/tmp/100%41/filter.sock', '/tmp/é/filter.sock']) expect(() => workloadUriFor(path)).toThrow(InputError);
    expect(() => workloadUriFor('/tmp/my data/filter.sock')).toThrow(/use a --data folder whose path has none of them$/);
  });
});

describe('ModuleClient.fromEnvironment with this environment', () => {
  let folder: string | undefined;
  let server: WorkloadServer | undefined;
  const saved = { ...process.env };

  afterEach(async () => {
    process.env = { ...saved };
    await server?.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('takes its edge mode and reads the trust bundle from the workload socket', async () => {
    folder = mkdtempSync(join(tmpdir(), 'edgewise-env-'));
    let bundleReads = 0;
    server = await startWorkloadServer({
      folder: join(folder, 'workload'),
      edgeDeviceId: 'edge',
      keyOf: () => undefined,
      generationOf: () => undefined,
      trustBundle: () => {
        bundleReads++;
        return '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
      },
    });
    const socket = await server.open('filter');
    delete process.env.EdgeHubConnectionString;
    delete process.env.IotHubConnectionString;
    Object.assign(process.env, moduleEnvironment({ ...INPUT, workloadUri: workloadUriFor(socket.socketPath) }));
    const client = await ModuleClient.fromEnvironment(Mqtt);
    expect(client).toBeInstanceOf(ModuleClient);
    expect(bundleReads).toBe(1);
  });
});
