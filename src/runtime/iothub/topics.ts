// IoT Hub's MQTT topic grammar, and the only topics an identity may reach: its own telemetry,
// its twin requests, its direct-method replies, and the subscriptions the device SDK makes
// (docs/FACTS.md §5; docs/research/iothub-facts.md §7). IoT Hub "supports only the documented
// topic names and filters", so anything else, and above all another identity's topic, is refused.
import type { ClientIdentity } from './client-identity.js';

export type InboundTopic =
  | { kind: 'telemetry'; bag: string }
  | { kind: 'twin-get'; rid: string }
  | { kind: 'twin-reported'; rid: string }
  | { kind: 'method-response'; rid: string; status: number };

/** What a subscription filter is for; a session keeps one entry per kind. */
export type SubscriptionKind = 'twin-responses' | 'desired' | 'methods' | 'cloud-to-device' | 'inputs';

const TWIN_GET = '$iothub/twin/GET/';
const TWIN_REPORTED = '$iothub/twin/PATCH/properties/reported/';
const METHOD_RESPONSE = /^\$iothub\/methods\/res\/(-?\d{1,9})\/$/;

/** What a PUBLISH from this identity asks for, or undefined when the topic is not one of its own. */
export function classifyPublish(topic: string, identity: ClientIdentity): InboundTopic | undefined {
  // Wildcards are not allowed in a topic name (MQTT 3.1.1 §4.7.1), so such a PUBLISH is malformed.
  if (/[#+\u0000]/.test(topic)) return undefined;
  const events = `${identityRoot(identity)}/messages/events`;
  if (topic === events) return { kind: 'telemetry', bag: '' };
  if (topic.startsWith(`${events}/`)) {
    // Output events carry a trailing slash after the bag (docs/research/iothub-facts.md §6).
    const bag = topic.slice(events.length + 1).replace(/\/$/, '');
    return bag.includes('/') ? undefined : { kind: 'telemetry', bag };
  }
  if (!topic.startsWith('$iothub/')) return undefined;
  const [path, query] = splitQuery(topic);
  const rid = query === undefined ? undefined : topicQuery(query).get('$rid');
  if (rid === undefined || rid === '') return undefined;
  if (path === TWIN_GET) return { kind: 'twin-get', rid };
  if (path === TWIN_REPORTED) return { kind: 'twin-reported', rid };
  const status = METHOD_RESPONSE.exec(path)?.[1];
  if (status !== undefined) return { kind: 'method-response', rid, status: Number(status) };
  return undefined;
}

/** What a SUBSCRIBE filter of this identity is for, or undefined when it is not one IoT Hub serves it. */
export function classifySubscription(filter: string, identity: ClientIdentity): SubscriptionKind | undefined {
  switch (filter) {
    case '$iothub/twin/res/#':
      return 'twin-responses';
    case '$iothub/twin/PATCH/properties/desired/#':
      return 'desired';
    case '$iothub/methods/POST/#':
      return 'methods';
  }
  if (identity.moduleId === undefined && filter === `${identityRoot(identity)}/messages/devicebound/#`) return 'cloud-to-device';
  // The module SDK subscribes to its inputs when an input handler is set. Only an edge hub routes
  // messages to inputs, so the cloud accepts the subscription and never delivers on it.
  if (identity.moduleId !== undefined && filter === `${identityRoot(identity)}/inputs/#`) return 'inputs';
  return undefined;
}

/** Where the answer to a twin request goes: `$iothub/twin/res/{status}/?$rid={rid}[&$version={v}]`. */
export function twinResponseTopic(status: number, rid: string, version?: number): string {
  return `$iothub/twin/res/${status}/?$rid=${rid}${version === undefined ? '' : `&$version=${version}`}`;
}

/** Where a desired-properties patch is pushed, with its new `$version`. */
export function desiredPatchTopic(version: number): string {
  return `$iothub/twin/PATCH/properties/desired/?$version=${version}`;
}

/** Where a direct-method request is delivered. */
export function methodRequestTopic(methodName: string, rid: string): string {
  return `$iothub/methods/POST/${methodName}/?$rid=${rid}`;
}

/** Where a cloud-to-device message is delivered: `devices/{d}/messages/devicebound/{bag}`. */
export function cloudToDeviceTopic(deviceId: string, bag: string): string {
  return `devices/${deviceId}/messages/devicebound/${bag}`;
}

/** Where a module input is delivered: `devices/{d}/modules/{m}/inputs/{input}/{bag}`, the bag segment always present (docs/FACTS.md §5). */
export function moduleInputTopic(identity: { deviceId: string; moduleId: string }, inputName: string, bag: string): string {
  return `${identityRoot(identity)}/inputs/${inputName}/${bag}`;
}

function identityRoot(identity: ClientIdentity): string {
  return identity.moduleId === undefined ? `devices/${identity.deviceId}` : `devices/${identity.deviceId}/modules/${identity.moduleId}`;
}

function splitQuery(topic: string): [string, string | undefined] {
  const mark = topic.indexOf('?');
  return mark === -1 ? [topic, undefined] : [topic.slice(0, mark), topic.slice(mark + 1)];
}

/** `a=1&b=2` as a map, values kept as sent (request ids are opaque and echoed back unchanged). */
function topicQuery(query: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = equals === -1 ? pair : pair.slice(0, equals);
    entries.set(key, equals === -1 ? '' : pair.slice(equals + 1));
  }
  return entries;
}
