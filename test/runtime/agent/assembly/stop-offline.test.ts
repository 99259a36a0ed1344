// The agent with a cloud that never answers (a black hole: connections accepted, nothing said):
// a module whose identity the hub has never seen waits in back-off saying why, instead of
// holding up the agent; and close() (what SIGTERM does) ends everything promptly, even while the
// agent is still waiting on the cloud and restarts are due.
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { createProcessBackend } from '../../../../src/runtime/agent/process/process-backend.js';
import { startEdge, type RunningEdge } from '../../../../src/runtime/agent/start-edge.js';
import { deploymentManifest, removeTempFolders, shellModule, tempFolder, waitFor } from './edge-support.js';

const ADDRESS = '127.0.14.5';

let blackHole: Server;
const held: Socket[] = [];
let port: number;

beforeAll(async () => {
  blackHole = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
  port = (blackHole.address() as { port: number }).port;
});

afterAll(async () => {
  for (const socket of held) socket.destroy();
  await new Promise((resolve) => blackHole.close(resolve));
  removeTempFolders();
});

async function startOffline(): Promise<{ edge: RunningEdge; log: string[] }> {
  const log: string[] = [];
  const folder = tempFolder('edgewise-offline-');
  const manifest = deploymentManifest({ sensor: {} });
  const edge = await startEdge({
    hub: {
      dataFolder: join(folder, 'hub'),
      manifest: await normalizeManifest(manifest, { flavour: 'manifest' }),
      connectionString: `HostName=127.0.0.1:${port};DeviceId=edge;SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`,
      cloudHttpsPort: port,
      address: ADDRESS,
      mqttPort: 0,
      httpsPort: 0,
    },
    createBackend: (dataFolder) => createProcessBackend({ modulesFile: { file: 'modules.yaml', modules: { sensor: shellModule('exec sleep 1000', folder) } }, dataFolder, log: (line) => log.push(line) }),
    agentLog: (line) => log.push(line),
    agent: { backoff: { minMs: 200, maxMs: 400 }, reportDelayMs: 50 },
  });
  return { edge, log };
}

describe('the agent with a cloud that never answers', () => {
  it('keeps a module whose identity is unknown in back-off, saying why, and stops promptly', async () => {
    const { edge, log } = await startOffline();
    let closed = false;
    try {
      const sensor = await waitFor('the sensor in back-off', () => (edge.agent.states().sensor?.runtimeStatus === 'backoff' ? edge.agent.states().sensor : undefined), 40_000);
      expect(sensor.statusDescription).toMatch(/^could not be created: the identity of module sensor is not in the hub's identity cache yet \(the cloud cannot be reached\)/);
      expect(log.some((line) => line.startsWith('module identities not updated in the cloud'))).toBe(true);
    } finally {
      void edge.close().then(() => (closed = true));
      await waitFor('close() to end', () => closed, 20_000);
    }
  }, 60_000);

  it('stops promptly while it is still waiting on the cloud', async () => {
    const { edge } = await startOffline();
    let closed = false;
    void edge.close().then(() => (closed = true));
    await waitFor('close() to end', () => closed, 20_000);
    expect(edge.agent.states().sensor?.runtimeStatus ?? 'unknown').not.toBe('running');
  });
});
