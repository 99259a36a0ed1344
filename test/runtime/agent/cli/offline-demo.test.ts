// The offline demo's one command, as a user runs it (the built CLI, a child process):
// `edgewise run examples/offline-demo/deployment.json --modules examples/offline-demo/modules.yaml
// --with-cloud` starts the emulator seeded with the edge device and the deployment, the hub, the
// agent and the demo's two SDK modules, and says where everything is; the filter's alerts reach
// the emulator, in the sensor's order; `edgewise logs` shows what a module wrote; SIGTERM stops
// everything with exit 0. The hub takes 8883/443 on a loopback address of this file's own.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ServiceClient } from '../../../../src/runtime/cloud/service-client.js';
import { BIN, ROOT, runCli } from '../../cloud/cloud-support.js';
import { waitFor } from '../../hub/assembly/hub-support.js';

const ADDRESS = '127.0.14.9';
const folder = mkdtempSync(join(tmpdir(), 'edgewise-demo-'));
const children: ChildProcessWithoutNullStreams[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  rmSync(folder, { recursive: true, force: true });
});

describe('the offline demo', () => {
  it('runs with one command: emulator, hub, agent and both modules; the filter\'s alerts reach the emulator in order', async () => {
    const data = join(folder, 'hub');
    const child = spawn(
      process.execPath,
      [BIN, 'run', 'examples/offline-demo/deployment.json', '--modules', 'examples/offline-demo/modules.yaml', '--with-cloud', '--data', data, '--address', ADDRESS],
      // The connection string comes from the emulator: one in the environment must not be used.
      { cwd: ROOT, env: { ...process.env, EDGEWISE_CONNECTION_STRING: 'HostName=elsewhere;DeviceId=x;SharedAccessKey=eA==' } },
    );
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    let ended = false;
    void exited.then(() => (ended = true));

    await waitFor('the three lines saying where everything is', () => ended || stdout.split('\n').length > 3);
    expect(ended, stderr).toBe(false);
    const lines = stdout.trimEnd().split('\n');
    const cloudData = join(folder, 'cloud');
    expect(lines[0]).toMatch(new RegExp(`^edgewise run: emulator \\(the cloud\\) with edge device edge-device on mqtts://127\\.0\\.0\\.1:\\d+ and https://127\\.0\\.0\\.1:\\d+; its data, messages and twins: edgewise cloud … --data ${escape(cloudData)}$`));
    expect(lines[1]).toMatch(new RegExp(`^edgewise run: edge hub of edge-device listening on mqtts://${escape(ADDRESS)}:8883 \\(modules and child devices\\) and https://${escape(ADDRESS)}:443 \\(gateway\\); clients trust ${escape(join(data, 'edge-ca.pem'))}; details in ${escape(join(data, 'hub.json'))}$`));
    expect(lines[2]).toBe(`edgewise run: agent running filter, sensor as processes (examples/offline-demo/modules.yaml); their output: edgewise logs MODULE --data ${data}`);

    const client = ServiceClient.fromDataFolder(cloudData);
    const alerts = await waitFor(
      "3 of the filter's alerts in the emulator",
      async () => {
        const found = (await client.readMessages(1, { limit: 1000 })).filter((message) => message.deviceId === 'edge-device' && message.moduleId === 'filter');
        return found.length >= 3 ? found : undefined;
      },
      40_000,
    );
    const indexes = alerts.map((alert) => Number(alert.properties.index));
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    for (const alert of alerts) {
      expect(alert.properties.alert).toBe('temperature');
      expect(JSON.parse(alert.body).temperature).toBeGreaterThan(25);
    }
    // Only alerts go up: the sensor's readings go to the filter.
    expect((await client.readMessages(1, { limit: 1000 })).filter((message) => message.moduleId === 'sensor')).toEqual([]);
    const reported = (await client.getTwin('edge-device', '$edgeAgent')).properties.reported as { modules?: Record<string, { runtimeStatus: string }> };
    expect(reported.modules?.sensor?.runtimeStatus).toBe('running');

    const logs = await runCli(['logs', 'sensor', '--data', data]);
    expect(logs.stdout).toContain('sensor: connected as edge-device/sensor');

    child.kill('SIGTERM');
    const exit = await waitFor('edgewise run to exit after SIGTERM', () => (ended ? exited : undefined), 30_000);
    expect(await exit, stderr).toEqual({ code: 0, signal: null });
  }, 60_000);
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
