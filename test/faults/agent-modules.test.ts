// Fault: modules that misbehave, run by the agent with the process backend beside the hub.
//
// Injected: (1) a module that exits with code 1 at once, again and again (restartPolicy always;
// back-off 0.2 s doubling to 1 s, 4 restarts), while a child device publishes through the hub;
// (2) a module that ignores SIGTERM (a shell that traps it and keeps looping), once removed by a
// new deployment and once left to the agent's stop (grace 1.5 s); (3) under `edgewise run` (the
// real executable, the default 10 MB log cap), a module that writes `yes` to stdout as fast as it
// can for 8 s (EDGEWISE_FAULT_SECONDS=N for N) while a child device publishes one message at a
// time. Each once per run.
// Checked: (1) the exact back-off sequence in the agent log (restarting in 0.2, 0.4, 0.8, 1 s),
// then "failed" in the cloud's $edgeAgent twin (restartCount 4, exitCode 1) and no further start,
// while the child device's messages (at least 10, published until the module failed) are each
// acknowledged and reach the emulator; (2) the module
// got SIGTERM, outlived it, and was then ended (SIGKILL) with nothing of its process group left, on
// removal and at stop; (3) every publish during the flood is acknowledged (a hang bound of 20 s
// each; at least one per flood second, however long that takes; the PUBACK latencies before and
// during the flood are printed, not asserted), `hub status` answers during the flood, the flood
// really ran (waited for, up to 60 s: the module wrote over 3 times the cap, per /proc/PID/io), the
// module's log files stay within the cap (at most the cap each, two files), and `edgewise run`
// stops with exit 0. Module processes run in process groups of their own, which outlive a killed
// `edgewise run`: afterAll kills the groups DATA/process-modules.json lists.
import type { ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isRecordAlive, readProcessRecords } from '../../src/runtime/agent/process/process-records.js';
import { signSasToken } from '../../src/runtime/iothub/sas.js';
import { deploymentManifest, EDGE, reportedModule, shellModule, startEdgeScenario, type EdgeScenario } from '../runtime/agent/assembly/edge-support.js';
import { cloudMessages, rawConnect, removeTempFolders, runCli, startScenario, tempFolder, waitFor, writeManifest, type Scenario } from '../runtime/hub/assembly/hub-support.js';
import { groupMembers, isAlive } from '../support/proc-stat.js';
import { startHubRun } from './support/edgewise-run.js';

/** This file's loopback block (127.0.20.0/24). */
const EDGE_ADDRESS = '127.0.20.3';
const RUN_ADDRESS = '127.0.20.4';
const FLOOD_SECONDS = Math.max(1, Number(process.env.EDGEWISE_FAULT_SECONDS ?? 8));
/** The process backend's default module log cap (module-log-writer.ts DEFAULT_LOG_MAX_BYTES). */
const LOG_CAP = 10 * 1024 * 1024;
const BACKOFF = { minMs: 200, maxMs: 1_000, maxRestarts: 4 };
const GRACE_MS = 1_500;
/** Messages the child device has acknowledged before the crash-loop test stops publishing. */
const CRASH_LOOP_MESSAGES = 10;

afterAll(() => removeTempFolders());

/** A shell module that traps SIGTERM (writing `term`) and keeps looping (writing `tick`), so only SIGKILL ends it. */
function stubborn(events: string, cwd: string) {
  return shellModule(`trap 'echo term >> ${events}' TERM; echo started >> ${events}; while :; do sleep 0.1; echo tick >> ${events}; done`, cwd);
}

/** The module got SIGTERM and went on (a tick after the term), then ended: only SIGKILL does that to it. */
function expectOutlivedSigterm(eventsFile: string): void {
  const events = readFileSync(eventsFile, 'utf8').trim().split('\n');
  const term = events.indexOf('term');
  expect(term, `${eventsFile}: ${events.join(' ')}`).toBeGreaterThan(0);
  expect(events.slice(term + 1)).toContain('tick');
}

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))] ?? NaN;
}

function load(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
}

describe('crash loops and SIGTERM ignored (the agent beside the hub, in this process)', () => {
  let scenario: EdgeScenario;
  let folder: string;
  const modules = {
    crasher: { restartPolicy: 'always' },
    stubborn: {},
    'stubborn-at-stop': {},
  };

  beforeAll(async () => {
    folder = tempFolder('edgewise-agent-faults-');
    scenario = await startEdgeScenario({
      address: EDGE_ADDRESS,
      manifest: deploymentManifest(modules),
      modules: {
        crasher: shellModule('exit 1', folder),
        stubborn: stubborn('stubborn.events', folder),
        'stubborn-at-stop': stubborn('stubborn-at-stop.events', folder),
      },
      agent: { backoff: BACKOFF, stopGraceMs: GRACE_MS },
    });
  });

  afterAll(async () => {
    await scenario?.close();
  });

  async function childDevice(): Promise<{ client: MqttClient; send(index: number): Promise<void> }> {
    const device = await scenario.cloud.client.createDevice('child-a', { parent: await scenario.cloud.client.getDevice(EDGE) });
    const info = scenario.edge.hub.info;
    const hostName = `${scenario.cloud.running.info.mqtt.host}:${scenario.cloud.running.info.mqtt.port}`;
    const token = signSasToken(`${hostName}/devices/child-a`, device.authentication.symmetricKey.primaryKey, Math.floor(Date.now() / 1000) + 600);
    // The hub learns of a child added after it started by refreshing its scope when the child first knocks.
    const client = await waitFor('child-a to connect through the hub', () => rawConnect(info, 'child-a', `${hostName}/child-a/?api-version=2021-04-12`, token).catch(() => undefined), 30_000);
    return { client, send: async (index) => void (await client.publishAsync(`devices/child-a/messages/events/index=${index}&step=crash-loop`, `message ${index}`, { qos: 1 })) };
  }

  it('backs off a module that crashes in a loop, then reports it failed, while the hub keeps taking messages', async () => {
    const child = await childDevice();
    let sent = 0;
    let failed = false;
    const sending = (async () => {
      while (!failed || sent < CRASH_LOOP_MESSAGES) {
        await child.send(sent);
        sent += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const reported = await waitFor(
      'crasher to be reported failed',
      async () => {
        const module = reportedModule(await scenario.reported(), 'crasher');
        return module?.runtimeStatus === 'failed' ? module : undefined;
      },
      40_000,
    );
    failed = true;
    await sending;
    await child.client.endAsync();
    expect(reported).toMatchObject({ runtimeStatus: 'failed', restartCount: 4, exitCode: 1, statusDescription: 'crash loop: exited with code 1 after 4 restarts; no more restarts until the deployment changes it' });
    const crasherLines = scenario.agentLog.filter((line) => /^(started )?module crasher\b/.test(line));
    expect(crasherLines).toEqual([
      'started module crasher',
      'module crasher: exited with code 1; restarting in 0.2 s',
      'started module crasher (restart 1)',
      'module crasher: crash loop: exited with code 1 (restarted 1 time); restarting in 0.4 s',
      'started module crasher (restart 2)',
      'module crasher: crash loop: exited with code 1 (restarted 2 times); restarting in 0.8 s',
      'started module crasher (restart 3)',
      'module crasher: crash loop: exited with code 1 (restarted 3 times); restarting in 1 s',
      'started module crasher (restart 4)',
      'module crasher: crash loop: exited with code 1 after 4 restarts; no more restarts until the deployment changes it',
    ]);
    // Every message sent during the crash loop was acknowledged (the loop awaited each PUBACK) and arrives.
    await waitFor('the crash-loop messages at the emulator', async () => (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'crash-loop').length >= sent, 30_000);
    // Failed means left alone: after twice the longest back-off, no start has followed.
    await new Promise((resolve) => setTimeout(resolve, 2 * BACKOFF.maxMs));
    expect(scenario.agentLog.filter((line) => line.startsWith('started module crasher'))).toHaveLength(5);
  }, 60_000);

  it('kills a module that ignores SIGTERM after the grace when a deployment removes it, with its whole process group', async () => {
    const events = join(folder, 'stubborn.events');
    await waitFor('stubborn to run', () => existsSync(events));
    const pid = scenario.pidOf('stubborn')!;
    expect(isAlive(pid)).toBe(true);
    const { stubborn: _removed, ...rest } = modules;
    await scenario.deploy(deploymentManifest(rest));
    await waitFor('stubborn to be removed', () => scenario.agentLog.includes('removed module stubborn'), 30_000);
    await waitFor('stubborn and its group to end', () => !isAlive(pid) && groupMembers(pid).length === 0);
    expectOutlivedSigterm(events);
  }, 40_000);

  it('kills a module that ignores SIGTERM after the grace when the agent stops, with its whole process group', async () => {
    const events = join(folder, 'stubborn-at-stop.events');
    await waitFor('stubborn-at-stop to run', () => existsSync(events));
    const pid = scenario.pidOf('stubborn-at-stop')!;
    expect(isAlive(pid)).toBe(true);
    await scenario.close();
    await waitFor('stubborn-at-stop and its group to end', () => !isAlive(pid) && groupMembers(pid).length === 0);
    expectOutlivedSigterm(events);
  }, 40_000);
});

describe(`a module flooding stdout under edgewise run (${FLOOD_SECONDS} s; EDGEWISE_FAULT_SECONDS=N for N)`, () => {
  let scenario: Scenario;
  const children: ChildProcess[] = [];
  /** Data folders of `edgewise run`, whose process-modules.json lists the module groups to end. */
  const dataFolders: string[] = [];

  beforeAll(async () => {
    scenario = await startScenario();
  });

  afterAll(async () => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    // A SIGKILLed run leaves its modules running (their own process groups): end them too.
    for (const data of dataFolders) for (const record of readProcessRecords(data)) if (isRecordAlive(record)) killGroup(record.pid);
    await scenario?.close();
  });

  it('keeps acknowledging another client, answers hub status, and keeps the module log within its cap', async () => {
    const folder = tempFolder('edgewise-flood-');
    const data = join(folder, 'data');
    dataFolders.push(data);
    // The flood starts when the test says so, after a quiet baseline.
    const go = join(folder, 'go');
    writeFileSync(join(folder, 'modules.yaml'), `modules:\n  flooder:\n    command: [/bin/sh, -c, 'while [ ! -e ${go} ]; do sleep 0.05; done; exec yes "flood line of a module that writes as fast as it can"']\n`);
    const manifest = writeManifest(folder, deploymentManifest({ flooder: {} }, { children: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream' }));
    const flags = ['--modules', join(folder, 'modules.yaml'), '--cloud-ca', scenario.cloud.running.info.ca, '--cloud-https-port', String(scenario.cloud.running.info.https.port), '--address', RUN_ADDRESS];
    const hub = await startHubRun({ manifest, data, connectionString: scenario.edgeConnectionString, flags, children });
    const { info } = hub;
    await waitFor('the agent to start flooder', () => hub.log().includes('started module flooder'), 30_000);

    const token = scenario.token('child-a', undefined, Math.floor(Date.now() / 1000) + 600);
    const client = await waitFor('child-a to connect', () => rawConnect(info, 'child-a', `${scenario.hostName}/child-a/?api-version=2021-04-12`, token).catch(() => undefined), 30_000);
    let index = 0;
    /** Publishes one at a time for `ms`, and on until `atLeast` were acknowledged; answers each PUBACK's latency. A PUBACK slower than 20 s fails the test (a hang, not a speed bound). */
    const publishFor = async (ms: number, atLeast = 0): Promise<number[]> => {
      const latencies: number[] = [];
      const until = Date.now() + ms;
      while (Date.now() < until || latencies.length < atLeast) {
        const start = performance.now();
        const acknowledged = client.publishAsync(`devices/child-a/messages/events/index=${index}&step=flood`, `message ${index}`, { qos: 1 });
        const timedOut = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no PUBACK for message ${index} within 20 s`)), 20_000).unref());
        await Promise.race([acknowledged, timedOut]);
        latencies.push(performance.now() - start);
        index += 1;
      }
      return latencies;
    };

    const quiet = await publishFor(2_000);
    writeFileSync(go, '');
    const logFile = join(data, 'logs', 'flooder.log');
    await waitFor('the flood to start', () => existsSync(logFile) && statSync(logFile).size > 0);
    const statusDuringFlood = runCli(['hub', 'status', '--data', data]);
    const flooded = await publishFor(FLOOD_SECONDS * 1_000, FLOOD_SECONDS);
    expect((await statusDuringFlood).code).toBe(0);
    // How much the flood wrote (the module is `yes` itself: the shell exec'd it): several times the cap.
    const records = JSON.parse(readFileSync(join(data, 'process-modules.json'), 'utf8')) as { module: string; pid: number }[];
    const flooderPid = records.find((record) => record.module === 'flooder')!.pid;
    const writtenByFlooder = (): number => Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${flooderPid}/io`, 'utf8'))?.[1]);
    // Waited for, not timed: a busy machine floods more slowly, and the amount is what counts.
    const written = await waitFor('the module to write 3 times the log cap', () => (writtenByFlooder() > 3 * LOG_CAP ? writtenByFlooder() : undefined), 60_000);
    const logFiles = readdirSync(join(data, 'logs')).filter((name) => name.startsWith('flooder'));
    const sizes = logFiles.map((name) => statSync(join(data, 'logs', name)).size);
    await client.endAsync();

    const summary = (latencies: number[]): string => {
      const sorted = [...latencies].sort((a, b) => a - b);
      return `${latencies.length} PUBACKs, p50 ${percentile(sorted, 0.5).toFixed(1)} ms, p99 ${percentile(sorted, 0.99).toFixed(1)} ms, max ${sorted[sorted.length - 1]!.toFixed(1)} ms`;
    };
    console.log(`flood: before it ${summary(quiet)}; during ${FLOOD_SECONDS} s of it (${(written / 1024 / 1024).toFixed(0)} MB written by the module) ${summary(flooded)}; module log files ${logFiles.join(', ')} of ${sizes.join(', ')} bytes (cap ${LOG_CAP}); load ${load()}`);
    // The flood really went through the agent (over 3 times the cap, waited for above): rotated each time, two files kept.
    // At most two files; a listing taken between a rotation's rename and the new file's creation sees only the older.
    expect(logFiles).toContain('flooder.log.1');
    expect(logFiles.filter((name) => name !== 'flooder.log' && name !== 'flooder.log.1')).toEqual([]);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(LOG_CAP);
    // What was acknowledged during the flood reaches the cloud.
    await waitFor('the flood-time messages at the emulator', async () => (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'flood').length >= index, 30_000);

    hub.child.kill('SIGTERM');
    expect(await hub.exited).toMatchObject({ code: 0 });
    expect(hub.log()).not.toMatch(/internal error|cannot write/);
  }, 120_000 + FLOOD_SECONDS * 1_000);
});

/** SIGKILL to a module's whole process group (its group id is its first process's pid). */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
