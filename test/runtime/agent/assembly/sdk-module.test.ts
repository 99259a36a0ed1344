// The proof for modules the agent starts: an unmodified `ModuleClient.fromEnvironment(Mqtt)`
// module (the offline demo's sensor, examples/offline-demo/sensor/sensor.mjs, written with the
// official SDK) started by the agent from its deployment gets its identity, environment and
// workload socket from the agent, connects to the hub, and its readings reach the emulator. With
// the upstream cut it keeps working: killed, it is restarted by the agent and signs in again
// from the hub's cached identity; after restore every reading arrives, each run's in order (one
// on its way up at the cut may come twice, right after itself: at least once, as IoT Hub).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudMessage } from '../../../../src/runtime/cloud/service-client.js';
import { cloudMessages, deploymentManifest, EDGE, removeTempFolders, reportedModule, ROOT, startEdgeScenario, waitFor, type EdgeScenario } from './edge-support.js';

const ADDRESS = '127.0.14.2';
const SENSOR_FOLDER = join(ROOT, 'examples', 'offline-demo', 'sensor');

let scenario: EdgeScenario;

beforeAll(async () => {
  const manifest = deploymentManifest({ sensor: { env: { SENSOR_INTERVAL_MS: '50' } } }, { sensorUp: 'FROM /messages/modules/sensor/outputs/* INTO $upstream' });
  scenario = await startEdgeScenario({ address: ADDRESS, manifest, modules: { sensor: { command: [process.execPath, 'sensor.mjs'], cwd: SENSOR_FOLDER, env: {} } } });
});

afterAll(async () => {
  await scenario?.close();
  removeTempFolders();
});

async function sensorIndexes(): Promise<number[]> {
  return (await cloudMessages(scenario.cloud)).filter((message: CloudMessage) => message.deviceId === EDGE && message.moduleId === 'sensor').map((message) => Number(message.properties.index));
}

/**
 * The readings without a reading repeated right after itself: one on its way up when the link was
 * cut is sent again after restore (at least once, as IoT Hub delivers), right after its first copy.
 */
function withoutRepeats(indexes: number[]): number[] {
  return indexes.filter((index, position) => position === 0 || indexes[position - 1] !== index);
}

/** The readings split into runs of the sensor (its index starts at 0 again when it restarts). */
function runsOf(indexes: number[]): number[][] {
  const runs: number[][] = [];
  for (const index of indexes) {
    if (index === 0 || runs.length === 0) runs.push([]);
    runs[runs.length - 1]!.push(index);
  }
  return runs;
}

function upstreamDepth(): number {
  return scenario.edge.hub
    .status()
    .queues.filter((queue) => queue.endpoint === '$upstream')
    .reduce((sum, queue) => sum + queue.depth, 0);
}

describe('an unmodified ModuleClient.fromEnvironment module started by the agent', () => {
  it("connects to the hub with the agent's environment and workload API, and its readings reach the emulator in order", async () => {
    const indexes = await waitFor('5 readings of edge/sensor in the emulator', async () => {
      const found = await sensorIndexes();
      return found.length >= 5 ? found : undefined;
    });
    expect(indexes.slice(0, 5)).toEqual([0, 1, 2, 3, 4]);
    await waitFor('the sensor reported running', async () => reportedModule(await scenario.reported(), 'sensor')?.runtimeStatus === 'running');
    expect(scenario.agentLog.filter((line) => /workload API .*refused/.test(line))).toEqual([]);
  });

  it('keeps working with the upstream cut, is restarted offline, and every reading arrives in order after restore', async () => {
    const firstPid = scenario.pidOf('sensor');
    await scenario.edge.hub.cut();
    let expected: number;
    try {
      await waitFor('20 readings held by the hub while cut', () => upstreamDepth() >= 20);
      // Counted once what was on its way up before the cut has surely landed.
      const arrivedBefore = (await sensorIndexes()).length;
      // Killed while the cloud is away: the agent restarts it, and it signs in from the hub's cached identity.
      process.kill(firstPid!, 'SIGKILL');
      await waitFor('the sensor restarted by the agent', () => {
        const pid = scenario.pidOf('sensor');
        return pid !== undefined && pid !== firstPid;
      });
      const depthAtRestart = upstreamDepth();
      await waitFor('the restarted sensor to send while cut', () => upstreamDepth() >= depthAtRestart + 10);
      expect((await sensorIndexes()).length).toBe(arrivedBefore);
      expected = arrivedBefore + upstreamDepth();
    } finally {
      await scenario.edge.hub.restore();
    }
    const indexes = await waitFor('the held readings to arrive after restore', async () => {
      const found = withoutRepeats(await sensorIndexes());
      return found.length >= expected ? found : undefined;
    });
    const runs = runsOf(indexes);
    expect(runs).toHaveLength(2);
    for (const run of runs) expect(run).toEqual(run.map((_, position) => position));
    const sensor = reportedModule(await scenario.reported(), 'sensor');
    expect(sensor).toMatchObject({ restartPolicy: 'always', runtimeStatus: 'running', restartCount: 1, exitCode: 137 });
  });
});
