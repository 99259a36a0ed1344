// The part of a CONNECT check that needs no identity store: MQTT 3.1.1, a client id `{d}` or
// `{d}/{m}`, a username `{hostName}/{clientId}/?api-version=…` and a password (docs/FACTS.md §5;
// docs/research/iothub-facts.md §7). The same rules as the emulator's authenticate-connect.ts;
// kept in one piece so both can share it once it lives in src/runtime/iothub/.
import { identityFromClientId, type ClientIdentity } from '../../iothub/client-identity.js';

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3 that a refusal uses. */
export const CONNACK = {
  accepted: 0,
  unacceptableProtocol: 1,
  identifierRejected: 2,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

export interface ConnectRequest {
  clientId: string;
  username?: string;
  password?: Buffer;
  /** Optional so an mqtt-packet IConnectPacket fits as it is; its parser always sets it. */
  protocolVersion?: number;
}

export type ConnectRefusal = { ok: false; returnCode: number; reason: string };

/** The identity and SAS token a well-formed CONNECT names, or why it is refused before any key is looked at. */
export function readConnectForm(request: ConnectRequest, hostNames: readonly string[]): { ok: true; identity: ClientIdentity; token: string } | ConnectRefusal {
  // IoT Hub speaks MQTT 3.1.1 only (protocol level 4).
  if (request.protocolVersion !== 4) return refuse(CONNACK.unacceptableProtocol, `protocol version ${request.protocolVersion} is not MQTT 3.1.1`);
  const identity = identityFromClientId(request.clientId);
  if (identity === undefined) return refuse(CONNACK.identifierRejected, `client id "${request.clientId}" is not {deviceId} or {deviceId}/{moduleId}`);
  if (request.username === undefined || !usernameNamesClient(request.username, request.clientId, hostNames)) {
    return refuse(CONNACK.badUsernameOrPassword, `username must be {hostName}/${request.clientId}/?api-version=…`);
  }
  if (request.password === undefined) return refuse(CONNACK.badUsernameOrPassword, 'no password (a SharedAccessSignature token) was given');
  return { ok: true, identity, token: request.password.toString('utf8') };
}

/** The username starts with one of the host names, then the client id (the rest is options). */
export function usernameNamesClient(username: string, clientId: string, hostNames: readonly string[]): boolean {
  const lower = username.toLowerCase();
  return hostNames.some((host) => {
    const prefix = `${host.toLowerCase()}/`;
    if (!lower.startsWith(prefix)) return false;
    const rest = username.slice(prefix.length);
    return rest === clientId || rest === `${clientId}/` || rest.startsWith(`${clientId}/?`);
  });
}

export function refuse(returnCode: number, reason: string): ConnectRefusal {
  return { ok: false, returnCode, reason };
}
