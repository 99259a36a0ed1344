// The topics of IoT Hub's MQTT dialect as a device or module client uses them: where it publishes
// telemetry and twin requests, what it subscribes to, and how it reads what the cloud sends
// (docs/FACTS.md §5). The server's side of the same grammar is src/runtime/iothub/topics.ts.
import type { ClientIdentity } from '../../iothub/client-identity.js';

export const TWIN_RESPONSES_FILTER = '$iothub/twin/res/#';
export const DESIRED_PATCHES_FILTER = '$iothub/twin/PATCH/properties/desired/#';
export const METHOD_REQUESTS_FILTER = '$iothub/methods/POST/#';

export function cloudToDeviceFilter(deviceId: string): string {
  return `devices/${deviceId}/messages/devicebound/#`;
}

/** Every filter this identity's session may hold, so a kept session can be cleared of unwanted ones. */
export function knownFilters(identity: ClientIdentity): string[] {
  const filters = [TWIN_RESPONSES_FILTER, DESIRED_PATCHES_FILTER, METHOD_REQUESTS_FILTER];
  return identity.moduleId === undefined ? [...filters, cloudToDeviceFilter(identity.deviceId)] : filters;
}

/** QoS of a subscription: cloud-to-device messages are QoS 1, the rest QoS 0 (docs/FACTS.md §5). */
export function filterQos(filter: string): 0 | 1 {
  return filter.endsWith('/messages/devicebound/#') ? 1 : 0;
}

/** `devices/{d}/messages/events/{bag}` or `devices/{d}/modules/{m}/messages/events/{bag}`. */
export function telemetryTopic(identity: ClientIdentity, bag: string): string {
  const root = identity.moduleId === undefined ? `devices/${identity.deviceId}` : `devices/${identity.deviceId}/modules/${identity.moduleId}`;
  return `${root}/messages/events/${bag}`;
}

export function twinGetTopic(rid: string): string {
  return `$iothub/twin/GET/?$rid=${rid}`;
}

export function reportedPatchTopic(rid: string): string {
  return `$iothub/twin/PATCH/properties/reported/?$rid=${rid}`;
}

export function methodResponseTopic(status: number, rid: string): string {
  return `$iothub/methods/res/${status}/?$rid=${rid}`;
}

export type CloudPublish =
  | { kind: 'twin-response'; status: number; rid: string; version?: number }
  | { kind: 'desired-patch'; version?: number }
  | { kind: 'method-request'; name: string; rid: string }
  | { kind: 'cloud-to-device'; bag: string };

/** What a PUBLISH from the cloud to this identity is, or undefined for a topic the dialect does not have. */
export function classifyCloudPublish(topic: string, identity: ClientIdentity): CloudPublish | undefined {
  const [path, query] = splitQuery(topic);
  const parameters = queryParameters(query);
  const twinResponse = /^\$iothub\/twin\/res\/(\d{3})\/$/.exec(path);
  if (twinResponse) {
    const rid = parameters.get('$rid');
    return rid === undefined ? undefined : { kind: 'twin-response', status: Number(twinResponse[1]), rid, ...versionOf(parameters) };
  }
  if (path === '$iothub/twin/PATCH/properties/desired/') return { kind: 'desired-patch', ...versionOf(parameters) };
  const method = /^\$iothub\/methods\/POST\/([^/]+)\/$/.exec(path);
  if (method) {
    const rid = parameters.get('$rid');
    return rid === undefined ? undefined : { kind: 'method-request', name: method[1]!, rid };
  }
  const deviceBound = `devices/${identity.deviceId}/messages/devicebound/`;
  // The bag may itself contain `?`-free percent-encoded text only, so the whole rest is the bag.
  if (identity.moduleId === undefined && topic.startsWith(deviceBound)) return { kind: 'cloud-to-device', bag: topic.slice(deviceBound.length) };
  return undefined;
}

function versionOf(parameters: Map<string, string>): { version?: number } {
  const text = parameters.get('$version');
  return text !== undefined && /^\d{1,15}$/.test(text) ? { version: Number(text) } : {};
}

function splitQuery(topic: string): [string, string] {
  const mark = topic.indexOf('?');
  return mark === -1 ? [topic, ''] : [topic.slice(0, mark), topic.slice(mark + 1)];
}

function queryParameters(query: string): Map<string, string> {
  const parameters = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    parameters.set(equals === -1 ? pair : pair.slice(0, equals), equals === -1 ? '' : pair.slice(equals + 1));
  }
  return parameters;
}
