// Where and how an identity connects to the cloud: the MQTT URL from the connection string's
// HostName (a port after it is the MQTT port, 8883 otherwise; docs/FACTS.md §8), the CONNECT
// username and the SAS token for the identity (docs/FACTS.md §4–§5). The same values reach a real
// IoT Hub ({hub}.azure-devices.net:8883 or wss://{hub}/$iothub/websocket) and the emulator.
import { isIP } from 'node:net';
import { InputError } from '../../../errors.js';
import { audiencePath, identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { signSasToken } from '../../iothub/sas.js';

/** IoT Hub's MQTT-over-TLS port, and its MQTT-over-WebSocket path on 443 (Microsoft Learn, MQTT support). */
export const MQTT_TLS_PORT = 8883;
export const WEBSOCKET_PORT = 443;
export const WEBSOCKET_PATH = '/$iothub/websocket';
/** The API version the device SDK names in its username (docs/FACTS.md §5). */
export const API_VERSION = '2021-04-12';

export interface UpstreamEndpoint {
  protocol: 'mqtts' | 'wss';
  host: string;
  port: number;
  /** Only for WebSocket. */
  path?: string;
  /** The HostName as the connection string writes it (port included): usernames and token audiences name it. */
  hostName: string;
  ca?: string;
  /** TLS SNI and certificate name check; RFC 6066 forbids an IP address as SNI, so none then. */
  servername?: string;
}

/**
 * For MqttWs the HostName's port (if any) is still the MQTT port, which WebSocket does not use:
 * IoT Hub serves MQTT over WebSocket on 443 only; `webSocketPort` moves it for tests and proxies.
 */
export function upstreamEndpoint(hostName: string, protocol: 'Mqtt' | 'MqttWs', ca: string | undefined, webSocketPort = WEBSOCKET_PORT): UpstreamEndpoint {
  const { host, port } = splitHostPort(hostName);
  const servername = isIP(host) === 0 ? host : undefined;
  const common = { host, hostName, ...(ca === undefined ? {} : { ca }), ...(servername === undefined ? {} : { servername }) };
  if (protocol === 'MqttWs') return { protocol: 'wss', port: webSocketPort, path: WEBSOCKET_PATH, ...common };
  return { protocol: 'mqtts', port: port ?? MQTT_TLS_PORT, ...common };
}

/** `{HostName}/{clientId}/?api-version=…`: what IoT Hub reads the identity's hub from. */
export function connectUsername(endpoint: UpstreamEndpoint, identity: ClientIdentity): string {
  return `${endpoint.hostName}/${identityKey(identity)}/?api-version=${API_VERSION}`;
}

/** A token for `{HostName}/devices/{d}[/modules/{m}]`, as the device SDK signs it. */
export function identityToken(endpoint: UpstreamEndpoint, identity: ClientIdentity, key: string, expiresAtSeconds: number): string {
  return signSasToken(`${endpoint.hostName}${audiencePath(identity)}`, key, expiresAtSeconds);
}

function splitHostPort(hostName: string): { host: string; port?: number } {
  const text = hostName.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  const plain = /^([^:\s/]+)(?::(\d+))?$/.exec(text);
  const match = bracketed ?? plain;
  if (!match || match[1] === undefined) throw new InputError(`HostName ${JSON.stringify(hostName)} is not host or host:port; copy it from the edge device's connection string`, 'bad-connection-string');
  if (match[2] === undefined) return { host: match[1] };
  const port = Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InputError(`HostName ${hostName} names port ${match[2]}, which is not 1–65535`, 'bad-connection-string');
  return { host: match[1], port };
}
