// Where a module's output is kept: DATA/logs/{module}.log, and its one rotation {module}.log.1.
// The agent writes there and `edgewise logs` reads there, so both take the path from here. A
// module name is checked against IoT Hub's module id characters first: a name from the command
// line must not reach outside the logs folder.
import { join } from 'node:path';
import { InputError } from '../../../errors.js';

export const MODULE_LOGS_FOLDER = 'logs';

/** IoT Hub module ids: up to 128 ASCII letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ ' (no slash). */
const MODULE_ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;

export function moduleLogPath(dataFolder: string, module: string): string {
  if (!MODULE_ID.test(module)) {
    throw new InputError(`"${module}" is not a module name: module names are up to 128 letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ '`, 'module-name');
  }
  return join(dataFolder, MODULE_LOGS_FOLDER, `${module}.log`);
}

/** The one older file a log rotates into. */
export function rotatedLogPath(logFile: string): string {
  return `${logFile}.1`;
}
