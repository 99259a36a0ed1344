// Connection strings as the Azure SDKs read them: `Key=value` pairs joined by `;`. HostName may
// carry a port for the device SDK (docs/FACTS.md §8, "The official SDKs and ports").
import { InputError } from '../../errors.js';

export function deviceConnectionString(hostName: string, deviceId: string, key: string, moduleId?: string): string {
  return `HostName=${hostName};DeviceId=${deviceId};${moduleId === undefined ? '' : `ModuleId=${moduleId};`}SharedAccessKey=${key}`;
}

export function serviceConnectionString(hostName: string, policyName: string, key: string): string {
  return `HostName=${hostName};SharedAccessKeyName=${policyName};SharedAccessKey=${key}`;
}

/** Splits at `;` and each pair at its first `=`, since base64 keys end in `=`. */
export function parseConnectionString(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  const parts = text.trim().split(';');
  for (const [index, part] of parts.entries()) {
    if (part.trim() === '') continue;
    const equals = part.indexOf('=');
    // The part itself is not echoed: it may hold a key.
    if (equals <= 0) throw new InputError(`Connection string part ${index + 1} is not Key=value; expected HostName=…;DeviceId=…;SharedAccessKey=…`, 'bad-connection-string');
    const name = part.slice(0, equals).trim();
    if (Object.hasOwn(fields, name)) throw new InputError(`Connection string names ${name} twice.`, 'bad-connection-string');
    fields[name] = part.slice(equals + 1).trim();
  }
  return fields;
}
