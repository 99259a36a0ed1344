// The process backend with real child processes (node -e scripts): exit codes and signals, stop
// with its grace then SIGKILL, process groups (grandchildren end with their module), the clean
// environment, output captured and rotated, start failures, and the pid records a later agent
// uses to find modules an agent killed with SIGKILL left running.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleBackendError, type ModuleBackend, type ModuleExit, type ModuleHandle } from '../../../../src/runtime/agent/agent-types.js';
import { rotatedLogPath } from '../../../../src/runtime/agent/process/module-log-path.js';
import type { ModuleCommand } from '../../../../src/runtime/agent/process/modules-file.js';
import { createProcessBackend, type ProcessModuleHandle } from '../../../../src/runtime/agent/process/process-backend.js';
import { PROCESS_RECORDS_FILE, readProcessRecords, writeProcessRecords } from '../../../../src/runtime/agent/process/process-records.js';
import { isAlive, launchOf, modulesFileOf, nodeModule, removeTempFolders, tempFolder, waitFor } from './process-support.js';

const backends: ModuleBackend[] = [];
const strays: number[] = [];

afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.close()));
  for (const pid of strays.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  removeTempFolders();
});

const SLEEP = 'setInterval(() => {}, 1000);';
/** Says it is ready once its SIGTERM handler is in place, so a stop cannot come before it. */
const IGNORES_SIGTERM = "process.on('SIGTERM', () => console.log('SIGTERM ignored')); console.log('ready'); setInterval(() => {}, 1000);";

interface Started {
  backend: ModuleBackend;
  dataFolder: string;
  exits: { handle: ModuleHandle; exit: ModuleExit }[];
  handle: ProcessModuleHandle;
  log: () => string;
}

async function started(name: string, module: ModuleCommand | string, options: { env?: Record<string, string>; hostEnv?: NodeJS.ProcessEnv; logMaxBytes?: number } = {}): Promise<Started> {
  const dataFolder = tempFolder();
  const command = typeof module === 'string' ? nodeModule(module, dataFolder) : module;
  const backend = createProcessBackend({ modulesFile: modulesFileOf({ [name]: command }), dataFolder, log: () => undefined, closeGraceMs: 1000, hostEnv: options.hostEnv, logMaxBytes: options.logMaxBytes });
  backends.push(backend);
  const exits: Started['exits'] = [];
  backend.onExit((handle, exit) => exits.push({ handle, exit }));
  const launch = launchOf(dataFolder, name, options.env);
  const handle = (await backend.create(launch)) as ProcessModuleHandle;
  await backend.start(handle);
  return { backend, dataFolder, exits, handle, log: () => readLog(launch.logFile) };
}

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

describe('process backend: exits', () => {
  it('reports the exit code of a module that ends on its own, with its output already in the log', async () => {
    const run = await started('crasher', "console.log('to stdout'); console.error('to stderr'); process.exit(3);");
    await waitFor('the exit', () => run.exits.length === 1);
    expect(run.exits[0]!.handle).toBe(run.handle);
    expect(run.exits[0]!.exit).toMatchObject({ code: 3, signal: null });
    expect(run.log().split('\n').sort()).toEqual(['', 'to stderr', 'to stdout']);
  });

  it('reports a module killed by a signal with the signal and no code', async () => {
    const run = await started('killed', "process.kill(process.pid, 'SIGKILL');");
    await waitFor('the exit', () => run.exits.length === 1);
    expect(run.exits[0]!.exit).toMatchObject({ code: null, signal: 'SIGKILL' });
  });

  it('stops with SIGTERM, and resolves once the exit is reported', async () => {
    const run = await started('sleeper', SLEEP);
    const pid = run.handle.pid!;
    expect(isAlive(pid)).toBe(true);
    await run.backend.stop(run.handle);
    expect(run.exits.map((entry) => entry.exit.signal)).toEqual(['SIGTERM']);
    expect(isAlive(pid)).toBe(false);
    await run.backend.stop(run.handle); // stopping a stopped module is nothing
    expect(run.exits).toHaveLength(1);
  });

  it('sends SIGKILL after the grace to a module that ignores SIGTERM', async () => {
    const run = await started('stubborn', IGNORES_SIGTERM);
    await waitFor('its SIGTERM handler', () => run.log().includes('ready'));
    await run.backend.stop(run.handle, 300);
    expect(run.exits.map((entry) => entry.exit)).toMatchObject([{ code: null, signal: 'SIGKILL' }]);
    expect(run.log()).toContain('SIGTERM ignored');
  });

  it('starts a stopped module again: a new pid behind the same handle id, output appended', async () => {
    const run = await started('twice', "console.log('run ' + process.pid); process.exit(0);");
    await waitFor('the first exit', () => run.exits.length === 1);
    const first = run.handle.pid;
    const id = run.handle.id;
    await run.backend.start(run.handle);
    await waitFor('the second exit', () => run.exits.length === 2);
    expect(run.handle.id).toBe(id);
    expect(run.handle.pid).not.toBe(first);
    expect(run.log()).toBe(`run ${first}\nrun ${run.handle.pid}\n`);
  });
});

describe('process backend: process groups', () => {
  const withGrandchild = (then: string): string =>
    [
      "const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'inherit' });",
      "console.log('grandchild ' + grandchild.pid);",
      then,
    ].join('\n');
  const grandchildOf = (run: Started): Promise<number> => waitFor('the grandchild pid', () => Number(/grandchild (\d+)/.exec(run.log())?.[1]) || undefined);

  it('stop ends the grandchildren too', async () => {
    const run = await started('parent', withGrandchild(SLEEP));
    const grandchild = await grandchildOf(run);
    strays.push(grandchild);
    expect(isAlive(grandchild)).toBe(true);
    await run.backend.stop(run.handle);
    await waitFor('the grandchild to end', () => !isAlive(grandchild));
  });

  it('a module that ends takes what it left in its group with it (and its exit is reported though a grandchild held its output)', async () => {
    const run = await started('leaver', withGrandchild('setTimeout(() => process.exit(4), 100);'));
    const grandchild = await grandchildOf(run);
    strays.push(grandchild);
    await waitFor('the exit', () => run.exits.length === 1);
    expect(run.exits[0]!.exit.code).toBe(4);
    await waitFor('the grandchild to end', () => !isAlive(grandchild));
  });
});

describe('process backend: environment', () => {
  it('gives a module PATH and HOME from the host, then the modules file env, then the launch env (which wins); nothing else of the host', async () => {
    const dataFolder = tempFolder();
    const hostEnv = { PATH: process.env.PATH, HOME: '/home/module', EDGEWISE_CONNECTION_STRING: 'HostName=h;DeviceId=d;SharedAccessKey=secret', AWS_SECRET_ACCESS_KEY: 'x' };
    const command = nodeModule('console.log(JSON.stringify(process.env));', dataFolder, { LOG_LEVEL: 'debug', SHARED: 'from the modules file', IOTEDGE_MODULEID: 'spoofed' });
    const run = await started('env', command, { hostEnv, env: { IOTEDGE_MODULEID: 'env', SHARED: 'from the deployment' } });
    await waitFor('the exit', () => run.exits.length === 1);
    expect(JSON.parse(run.log())).toEqual({ PATH: process.env.PATH, HOME: '/home/module', LOG_LEVEL: 'debug', SHARED: 'from the deployment', IOTEDGE_MODULEID: 'env' });
  });

  it('runs in the cwd the modules file gives', async () => {
    const run = await started('where', 'console.log(process.cwd());');
    await waitFor('the exit', () => run.exits.length === 1);
    expect(run.log()).toBe(`${run.dataFolder}\n`);
  });
});

describe('process backend: logs', () => {
  it('rotates a chatty module log once past the cap', async () => {
    const run = await started('chatty', "for (let i = 1; i <= 2000; i++) console.log('line ' + i);", { logMaxBytes: 4096 });
    await waitFor('the exit', () => run.exits.length === 1);
    const current = run.log();
    const older = readFileSync(rotatedLogPath(launchOf(run.dataFolder, 'chatty').logFile), 'utf8');
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(4096);
    expect(Buffer.byteLength(older)).toBe(4096); // a file rotates once full
    // The two files hold the newest output, contiguous and in order.
    const everything = Array.from({ length: 2000 }, (_, index) => `line ${index + 1}\n`).join('');
    expect(everything.endsWith(older + current)).toBe(true);
  });
});

describe('process backend: refusals', () => {
  it('refuses a module without an entry in the modules file, saying what to add', async () => {
    const dataFolder = tempFolder();
    const backend = createProcessBackend({ modulesFile: modulesFileOf({}), dataFolder, log: () => undefined });
    backends.push(backend);
    const error = await backend.create(launchOf(dataFolder, 'filter')).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModuleBackendError);
    expect((error as Error).message).toBe('module filter has no entry in modules.yaml; add modules.filter.command');
  });

  it.each(['constructor', 'toString', 'hasOwnProperty'])('refuses a module named %s without an entry, as any other name', async (name) => {
    const dataFolder = tempFolder();
    const backend = createProcessBackend({ modulesFile: modulesFileOf({}), dataFolder, log: () => undefined });
    backends.push(backend);
    const error = await backend.create(launchOf(dataFolder, name)).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModuleBackendError);
    expect((error as Error).message).toBe(`module ${name} has no entry in modules.yaml; add modules.${name}.command`);
  });

  it('refuses to start a program that does not exist, and reports no exit', async () => {
    const dataFolder = tempFolder();
    const backend = createProcessBackend({ modulesFile: modulesFileOf({ filter: { command: ['./no-such-program'], cwd: dataFolder, env: {} } }), dataFolder, log: () => undefined });
    backends.push(backend);
    const exits: ModuleExit[] = [];
    backend.onExit((_, exit) => exits.push(exit));
    const handle = await backend.create(launchOf(dataFolder, 'filter'));
    const error = await backend.start(handle).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ModuleBackendError);
    expect((error as Error).message).toBe(`cannot start module filter: "./no-such-program" was not found (or the folder ${dataFolder} is gone); check modules.filter.command and cwd in modules.yaml`);
    await backend.remove(handle);
    expect(exits).toEqual([]);
  });

  it('refuses handles it does not know (removed)', async () => {
    const run = await started('gone', SLEEP);
    await run.backend.remove(run.handle);
    expect(isAlive(run.handle.pid!)).toBe(false);
    await expect(run.backend.start(run.handle)).rejects.toThrow(/no module gone#\d+ in the process backend/);
  });
});

describe('process backend: pid records and the next agent', () => {
  it('records running modules in the data folder and forgets stopped ones', async () => {
    const run = await started('sleeper', SLEEP);
    expect(readProcessRecords(run.dataFolder)).toMatchObject([{ module: 'sleeper', pid: run.handle.pid }]);
    await run.backend.stop(run.handle);
    expect(readProcessRecords(run.dataFolder)).toEqual([]);
    expect(readFileSync(join(run.dataFolder, PROCESS_RECORDS_FILE), 'utf8')).toBe('[]\n');
  });

  it('close stops every module and reports none of those exits', async () => {
    const run = await started('sleeper', IGNORES_SIGTERM);
    await waitFor('its SIGTERM handler', () => run.log().includes('ready'));
    backends.splice(backends.indexOf(run.backend), 1);
    await run.backend.close(); // closeGraceMs 1000, then SIGKILL
    expect(isAlive(run.handle.pid!)).toBe(false);
    expect(run.exits).toEqual([]);
    await expect(run.backend.create(launchOf(run.dataFolder, 'sleeper'))).rejects.toThrow(/the process backend is closed/);
  });
});

describe('process backend: when the agent process ends', () => {
  async function startAgent(dataFolder: string): Promise<{ agent: import('node:child_process').ChildProcess; pid: number; grandchild: number; exited: Promise<unknown> }> {
    const { buildSync } = await import('esbuild');
    const bundle = join(dataFolder, 'agent.mjs');
    buildSync({ entryPoints: [join(import.meta.dirname, 'agent-process-fixture.ts')], outfile: bundle, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
    const { spawn } = await import('node:child_process');
    const agent = spawn(process.execPath, [bundle, dataFolder], { stdio: ['pipe', 'pipe', 'pipe'] });
    const exited = new Promise((resolve) => agent.once('exit', resolve));
    let out = '';
    agent.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    agent.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const { pid } = JSON.parse(await waitFor('the agent to start its module', () => out.split('\n').find((line) => line.startsWith('{')))) as { pid: number };
    strays.push(pid);
    const logFile = launchOf(dataFolder, 'sleeper').logFile;
    const grandchild = await waitFor('the grandchild pid', () => Number(/grandchild (\d+)/.exec(readLog(logFile))?.[1]) || undefined);
    strays.push(grandchild);
    return { agent, pid, grandchild, exited };
  }

  for (const way of ['exit', 'throw'] as const) {
    it(`takes its modules and their children with it when it ends (${way})`, async () => {
      const dataFolder = tempFolder();
      const { agent, pid, grandchild, exited } = await startAgent(dataFolder);
      agent.stdin!.write(`${way}\n`);
      await exited;
      await waitFor('the module to end', () => !isAlive(pid));
      await waitFor('its grandchild to end', () => !isAlive(grandchild));
    });
  }

  it('leaves them when killed with SIGKILL; the next agent finds them by their records and stops them', async () => {
    const dataFolder = tempFolder();
    const { agent, pid, grandchild, exited } = await startAgent(dataFolder);
    agent.kill('SIGKILL');
    await exited;
    expect(isAlive(pid)).toBe(true);
    // A record of a process that is gone, and one whose pid now belongs to another program, are not found.
    writeProcessRecords(dataFolder, [...readProcessRecords(dataFolder), { module: 'gone', pid: 2 ** 22 + 1 }, { module: 'reused', pid: process.pid, startTicks: 1 }]);
    const next = createProcessBackend({ modulesFile: modulesFileOf({ own: nodeModule(SLEEP, dataFolder) }), dataFolder, log: () => undefined });
    backends.push(next);
    await next.start(await next.create(launchOf(dataFolder, 'own'))); // its own modules are not "found"
    const found = await next.list();
    expect(found.map(({ name, running }) => ({ name, running }))).toEqual([{ name: 'sleeper', running: true }]);
    expect((found[0]!.handle as ProcessModuleHandle).pid).toBe(pid);
    expect(readProcessRecords(dataFolder).map((record) => record.module).sort()).toEqual(['own', 'sleeper']);
    await expect(next.start(found[0]!.handle)).rejects.toThrow(/was started by an earlier agent, so this one cannot watch or restart it; remove it and create it again/);
    await next.stop(found[0]!.handle, 5000);
    expect(isAlive(pid)).toBe(false);
    await waitFor('its grandchild to end', () => !isAlive(grandchild));
    await next.remove(found[0]!.handle);
    expect(readProcessRecords(dataFolder).map((record) => record.module)).toEqual(['own']);
  });
});
