// Checking a CONNECT the way IoT Hub does: client id `{d}` or `{d}/{m}`, username
// `{hostName}/{clientId}/?api-version=…`, password a SAS token for that identity signed with one of
// its keys, not expired, and the identity enabled (docs/FACTS.md §4–§5; docs/research/iothub-facts.md
// §7–§8). Where the keys come from is the caller's: the emulator's registry, the edge hub's cache.
// The verdict is data; the connection turns a refusal into a CONNACK return code.
import type { IConnectPacket } from 'mqtt-packet';
import { parseSasToken, verifySasToken } from './sas.js';
import { audiencePath, identityFromClientId, type ClientIdentity } from './client-identity.js';

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3 that a refusal uses. */
export const CONNACK = {
  accepted: 0,
  unacceptableProtocol: 1,
  identifierRejected: 2,
  serverUnavailable: 3,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

/** The CONNECT fields the check reads. */
export type ConnectRequest = Pick<IConnectPacket, 'clientId' | 'username' | 'password' | 'protocolVersion'>;

/** What a token of an identity may be signed with. */
export interface ConnectCredentials {
  /** Its symmetric keys (empty strings are ignored). */
  keys: readonly string[];
  generationId: string;
}

export type ConnectVerdict = { ok: true; identity: ClientIdentity; generationId: string; expiresAtSeconds: number } | ConnectRefusal;

export interface AuthenticationContext {
  /** Host names a client may write in its username and SAS audience, compared case-insensitively. */
  hostNames: readonly string[];
  /** The identity's keys, or why it may not connect at all (unknown, disabled, out of scope …). */
  credentialsOf(identity: ClientIdentity): ConnectCredentials | { refused: string; returnCode?: number };
  nowSeconds: number;
}

export type ConnectRefusal = { ok: false; returnCode: number; reason: string };

/** The identity and SAS token a well-formed CONNECT names, or why it is refused before any key is looked at. */
export function readConnectForm(packet: ConnectRequest, hostNames: readonly string[]): { ok: true; identity: ClientIdentity; token: string } | ConnectRefusal {
  // IoT Hub speaks MQTT 3.1.1 only (protocol level 4).
  if (packet.protocolVersion !== 4) return refuse(CONNACK.unacceptableProtocol, `protocol version ${packet.protocolVersion} is not MQTT 3.1.1`);
  const identity = identityFromClientId(packet.clientId);
  if (identity === undefined) return refuse(CONNACK.identifierRejected, `client id "${packet.clientId.slice(0, 200)}" is not {deviceId} or {deviceId}/{moduleId}`);
  if (packet.username === undefined || !usernameNames(packet.username, packet.clientId, hostNames)) {
    return refuse(CONNACK.badUsernameOrPassword, `username must be {hostName}/${packet.clientId}/?api-version=…`);
  }
  if (packet.password === undefined) return refuse(CONNACK.badUsernameOrPassword, 'no password (a SharedAccessSignature token) was given');
  return { ok: true, identity, token: packet.password.toString('utf8') };
}

export function authenticateConnect(packet: ConnectRequest, context: AuthenticationContext): ConnectVerdict {
  const form = readConnectForm(packet, context.hostNames);
  if (!form.ok) return form;
  const { identity, token } = form;
  // IoT Hub answers "not authorized" (5) for an unknown or disabled identity and for a bad token
  // (docs/research/iothub-facts.md §7, "Bad credentials").
  const credentials = context.credentialsOf(identity);
  if ('refused' in credentials) return refuse(credentials.returnCode ?? CONNACK.notAuthorized, credentials.refused);
  const keys = credentials.keys.filter((key) => key !== '');
  const audiences = context.hostNames.map((host) => `${host}${audiencePath(identity)}`);
  const verdict = verifySasToken(token, { audiences, keys, nowSeconds: context.nowSeconds });
  if (verdict !== 'ok') return refuse(CONNACK.notAuthorized, `the SharedAccessSignature is refused: ${verdict}`);
  return { ok: true, identity, generationId: credentials.generationId, expiresAtSeconds: parseSasToken(token)?.se ?? context.nowSeconds };
}

export function refuse(returnCode: number, reason: string): ConnectRefusal {
  return { ok: false, returnCode, reason };
}

/** The username starts with one of the host names, then the client id (the rest is options). */
export function usernameNames(username: string, clientId: string, hostNames: readonly string[]): boolean {
  const lower = username.toLowerCase();
  return hostNames.some((host) => {
    const prefix = `${host.toLowerCase()}/`;
    if (!lower.startsWith(prefix)) return false;
    const rest = username.slice(prefix.length);
    return rest === clientId || rest === `${clientId}/` || rest.startsWith(`${clientId}/?`);
  });
}
