// Shared by the process backend tests: temp folders that are removed afterwards, a launch for a
// module, a modules file built in memory, and a poll with a generous deadline (no wall-clock
// assertions: a busy machine only makes these slower, never wrong).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleLaunch, ModuleSpec } from '../../../../src/runtime/agent/agent-types.js';
import { moduleLogPath } from '../../../../src/runtime/agent/process/module-log-path.js';
import type { ModuleCommand, ModulesFile } from '../../../../src/runtime/agent/process/modules-file.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

const folders: string[] = [];

export function tempFolder(prefix = 'edgewise-process-'): string {
  const made = mkdtempSync(join(tmpdir(), prefix));
  folders.push(made);
  return made;
}

export function removeTempFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

export function spec(name: string, overrides: Partial<ModuleSpec> = {}): ModuleSpec {
  return { name, status: 'running', restartPolicy: 'always', startupOrder: 4294967295, image: `example/${name}:1.0`, imagePullPolicy: 'on-create', createOptions: {}, env: {}, ...overrides };
}

export function launchOf(dataFolder: string, name: string, env: Record<string, string> = {}): ModuleLaunch {
  return { spec: spec(name, { env }), env, workloadSocket: join(dataFolder, 'workload', `${name}.sock`), logFile: moduleLogPath(dataFolder, name) };
}

/** A module that runs `node -e SCRIPT` in `cwd`. */
export function nodeModule(script: string, cwd: string, env: Record<string, string> = {}): ModuleCommand {
  return { command: [process.execPath, '-e', script], cwd, env };
}

export function modulesFileOf(modules: Record<string, ModuleCommand>): ModulesFile {
  return { file: 'modules.yaml', modules };
}

export const waitFor = pollUntil;

/** Alive and not a zombie (an orphan waits for pid 1 to reap it, which some containers never do). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] ?? '');
  } catch {
    return false;
  }
}
