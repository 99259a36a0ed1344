// Where a module's output is kept: DATA/logs/{module}.log, and its one rotation {module}.log.1.
// (A name with upper-case letters adds a digest: see logFileStem.)
// The agent writes there and `edgewise logs` reads there, so both take the path from here. A
// module name is checked against IoT Hub's module id characters first: a name from the command
// line must not reach outside the logs folder.
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { InputError } from '../../../errors.js';

export const MODULE_LOGS_FOLDER = 'logs';

/** IoT Hub module ids: up to 128 ASCII letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ ' (no slash). */
const MODULE_ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;

export function moduleLogPath(dataFolder: string, module: string): string {
  if (!MODULE_ID.test(module)) {
    throw new InputError(`"${module}" is not a module name: module names are up to 128 letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ '`, 'module-name');
  }
  return join(dataFolder, MODULE_LOGS_FOLDER, `${logFileStem(module)}.log`);
}

/**
 * Lower-case names as they are; a name with upper-case letters gets `~{digest}` after its lower-case
 * form, so `Sensor` and `sensor` keep apart on a case-insensitive filesystem (no module id has `~`).
 */
function logFileStem(module: string): string {
  if (module === module.toLowerCase()) return module;
  return `${module.toLowerCase()}~${createHash('sha256').update(module).digest('hex').slice(0, 16)}`;
}

/** The one older file a log rotates into. */
export function rotatedLogPath(logFile: string): string {
  return `${logFile}.1`;
}
