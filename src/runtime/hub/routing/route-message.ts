// A HubMessage as the route language sees it: the names edgeHub's MQTT head gives a telemetry
// message's properties (edge-hub TelemetryHandler.ConvertToInternalMessage with
// SystemProperties.IncomingSystemPropertiesMap, Azure/iotedge): only the bag keys in that map
// become system properties, under edgeHub's names ($.mid → messageId, $.cid → cid, $.ct →
// contentType, …); every other key, `$.sub` included, stays an application property under its
// bag key. edgeHub then stamps connectionDeviceId / connectionModuleId from the authenticated
// client, so a client cannot route as someone else.
import type { RouteMessage } from '../../../routes/index.js';
import { bagKeyOfSystemProperty } from '../../iothub/property-bag.js';
import type { HubMessage } from '../hub-types.js';

/** Bag key → edgeHub's system-property name (edge-hub SystemProperties.IncomingSystemPropertiesMap). */
const EDGEHUB_SYSTEM_NAMES: Readonly<Record<string, string>> = {
  '$.exp': 'absolute-expiry-time',
  // edgeHub keeps a device's correlation id as `cid` (MsgCorrelationId), not correlationId.
  '$.cid': 'cid',
  '$.mid': 'messageId',
  '$.to': 'to',
  '$.uid': 'userId',
  '$.on': 'outputName',
  '$.ct': 'contentType',
  '$.ce': 'contentEncoding',
  '$.schema': 'messageSchema',
  '$.ctime': 'creationTime',
  '$.ifid': 'iothub-interface-id',
};

/** Set by the hub from the authenticated client: never taken from what the client sent. */
const STAMPED_NAMES = new Set(['connectiondeviceid', 'connectionmoduleid']);

/**
 * The route language's message for a HubMessage. System properties that did not come from a bag
 * (no `$.` key, e.g. a `messageType` the hub sets on a twin-change notification) pass through
 * under their own name.
 */
export function routeMessageOf(message: HubMessage): RouteMessage {
  // Maps, not objects: a property named `__proto__` must stay a property. Lookups ignore case and
  // the first of two names that differ only in case wins, so the hub's stamps go first.
  const systemProperties = new Map<string, string>([['connectionDeviceId', message.source.deviceId]]);
  if (message.source.moduleId !== undefined) systemProperties.set('connectionModuleId', message.source.moduleId);
  if (message.outputName !== undefined) systemProperties.set('outputName', message.outputName);
  const appProperties = new Map<string, string>(Object.entries(message.properties));
  for (const [name, value] of Object.entries(message.systemProperties)) {
    const key = bagKeyOfSystemProperty(name);
    if (key === undefined) {
      if (!STAMPED_NAMES.has(name.toLowerCase())) addOnce(systemProperties, name, value);
    } else if (Object.hasOwn(EDGEHUB_SYSTEM_NAMES, key)) {
      addOnce(systemProperties, EDGEHUB_SYSTEM_NAMES[key]!, value);
    } else {
      addOnce(appProperties, key, value);
    }
  }
  return { appProperties, systemProperties, body: message.body };
}

function addOnce(map: Map<string, string>, name: string, value: string): void {
  if (!map.has(name)) map.set(name, value);
}
