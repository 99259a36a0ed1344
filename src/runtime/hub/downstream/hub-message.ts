// A telemetry or output PUBLISH as the hub's message: the body as sent, the bag's application and
// system properties, the output name from `$.on`, and the sender from the authenticated connection,
// never from the message (docs/FACTS.md §5; docs/research/iothub-facts.md §6).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import type { PropertyBag } from '../../iothub/property-bag.js';
import type { HubMessage } from '../hub-types.js';

/** The bag key of a module output's name; parsePropertyBag keeps it under that key. */
const OUTPUT_NAME_KEY = '$.on';

export function hubMessageOf(source: ClientIdentity, bag: PropertyBag, body: Buffer, options: { retain: boolean; nowMs: number }): HubMessage {
  const { [OUTPUT_NAME_KEY]: outputName, ...systemProperties } = bag.systemProperties;
  // IoT Hub does not keep a retained message; it marks it with an `mqtt-retain` property instead
  // (docs/research/iothub-facts.md §7), and the hub forwards it the same way.
  const properties = options.retain ? { ...bag.properties, 'mqtt-retain': 'true' } : bag.properties;
  return {
    source,
    // Only a module has outputs (edgeHub's route sources); a device's `$.on` names nothing and is dropped.
    ...(outputName !== undefined && outputName !== '' && source.moduleId !== undefined ? { outputName } : {}),
    properties,
    systemProperties,
    body,
    enqueuedAtMs: options.nowMs,
  };
}
