// `edgewise logs MODULE [-f] [--tail N] --data DIR`: prints what a module run by the process
// backend wrote to stdout and stderr (DIR/logs/MODULE.log, its rotated part first). With -f it
// keeps printing what the module writes, across rotations, until Ctrl-C (exit 0). No log there is
// a one-line InputError (exit 2) saying where it looked.
import { dirname } from 'node:path';
import { InputError } from '../../errors.js';
import { moduleLogPath } from '../../runtime/agent/process/module-log-path.js';
import { followModuleLog, moduleLogExists, readModuleLog } from '../../runtime/agent/process/module-log-reader.js';
import { DEFAULT_HUB_DATA_FOLDER } from '../../runtime/hub/hub-info.js';
import type { CommandResult } from '../command-result.js';

export interface LogsOptions {
  data?: string;
  follow?: boolean;
  tail?: number;
}

export interface LogsFollowIo {
  write(text: string): void;
  /** Aborted when the user stops following (Ctrl-C). */
  stop: AbortSignal;
}

export async function runLogs(module: string, options: LogsOptions, io?: LogsFollowIo): Promise<CommandResult> {
  const dataFolder = options.data ?? DEFAULT_HUB_DATA_FOLDER;
  const logFile = moduleLogPath(dataFolder, module);
  if (!moduleLogExists(logFile)) {
    throw new InputError(`no log of module ${module} in ${dirname(logFile)}: the process backend writes one when the module starts (edgewise run … --data ${dataFolder}); check the module name and --data`, 'no-module-log');
  }
  if (options.follow && io) {
    await followModuleLog(logFile, { tail: options.tail, write: io.write, stop: io.stop });
    return { exitCode: 0, stdout: '', stderr: '', files: [] };
  }
  return { exitCode: 0, stdout: readModuleLog(logFile, { tail: options.tail }), stderr: '', files: [] };
}
