// A telemetry PUBLISH as the message the telemetry log keeps: the body as sent, the bag's
// application and system properties, and the connection stamps IoT Hub adds so a reader knows
// which identity sent it (Microsoft Learn, *Create and read IoT Hub messages*, system properties
// and "anti-spoofing properties"; docs/research/iothub-facts.md §6).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import type { PropertyBag } from '../../iothub/property-bag.js';

export interface TelemetryMessage {
  deviceId: string;
  moduleId?: string;
  body: Buffer;
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
}

export interface TelemetrySender {
  identity: ClientIdentity;
  generationId: string;
}

export function telemetryMessage(sender: TelemetrySender, bag: PropertyBag, body: Buffer, retain: boolean): TelemetryMessage {
  const { deviceId, moduleId } = sender.identity;
  const stamps: Record<string, string> = {
    'iothub-connection-device-id': deviceId,
    ...(moduleId === undefined ? {} : { 'iothub-connection-module-id': moduleId }),
    'iothub-connection-auth-generation-id': sender.generationId,
    'iothub-connection-auth-method': JSON.stringify({ scope: moduleId === undefined ? 'device' : 'module', type: 'sas', issuer: 'iothub' }),
  };
  // IoT Hub does not keep a retained message; it marks it with an `mqtt-retain` property instead
  // (docs/research/iothub-facts.md §7).
  const properties = retain ? { ...bag.properties, 'mqtt-retain': 'true' } : bag.properties;
  return { deviceId, ...(moduleId === undefined ? {} : { moduleId }), body, properties, systemProperties: { ...bag.systemProperties, ...stamps } };
}
