// Shared by the process backend tests: temp folders that are removed afterwards, a launch for a
// module, a modules file built in memory, and a poll with a generous deadline (no wall-clock
// assertions: a busy machine only makes these slower, never wrong).
import { join } from 'node:path';
import type { ModuleLaunch, ModuleSpec } from '../../../../src/runtime/agent/agent-types.js';
import { moduleLogPath } from '../../../../src/runtime/agent/process/module-log-path.js';
import type { ModuleCommand, ModulesFile } from '../../../../src/runtime/agent/process/modules-file.js';
import { tempFolders } from '../../../support/temp-folders.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

const folders = tempFolders('edgewise-process-');

export const tempFolder = folders.make;
export const removeTempFolders = folders.removeAll;

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

export { isAlive } from '../../../support/proc-stat.js';
