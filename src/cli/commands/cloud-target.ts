// The `ID[/MODULE]` argument of `cloud twin` and `cloud invoke`, and the JSON option values of the
// cloud verbs. Ids cannot hold "/" (IoT Hub's id characters, docs/FACTS.md §1), so the first "/"
// splits device and module.
import { InputError } from '../../errors.js';

export interface Target {
  deviceId: string;
  moduleId?: string;
}

export function parseTarget(text: string): Target {
  const slash = text.indexOf('/');
  if (slash === -1) return { deviceId: text };
  const deviceId = text.slice(0, slash);
  const moduleId = text.slice(slash + 1);
  if (deviceId === '' || moduleId === '' || moduleId.includes('/')) throw new InputError(`${text} is not DEVICE or DEVICE/MODULE`);
  return { deviceId, moduleId };
}

export function targetName(target: Target): string {
  return target.moduleId === undefined ? target.deviceId : `${target.deviceId}/${target.moduleId}`;
}

export function parseJsonOption(text: string, option: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new InputError(`${option} is not JSON (${(error as Error).message}); quote it for the shell, e.g. ${option} '{"interval": 5}'`);
  }
}

export function parseJsonObjectOption(text: string, option: string): Record<string, unknown> {
  const value = parseJsonOption(text, option);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InputError(`${option} must be a JSON object, e.g. ${option} '{"interval": 5}'`);
  return value as Record<string, unknown>;
}
