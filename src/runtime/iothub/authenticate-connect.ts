// Checking a CONNECT the way IoT Hub does: client id `{d}` or `{d}/{m}`, username
// `{hostName}/{clientId}/?api-version=…`, password a SAS token for that identity signed with one of
// its keys, not expired, and the identity enabled (docs/FACTS.md §4–§5; docs/research/iothub-facts.md
// §7–§8). The verdict is data; the connection turns a refusal into a CONNACK return code.
import type { IConnectPacket } from 'mqtt-packet';
import type { DeviceIdentity, IdentityRegistry, ModuleIdentity } from '../identities.js';
import { parseSasToken, verifySasToken } from '../../iothub/sas.js';
import { audiencePath, identityFromClientId, type ClientIdentity } from '../../iothub/client-identity.js';

/** CONNACK return codes of MQTT 3.1.1 §3.2.2.3 that a refusal uses. */
export const CONNACK = {
  accepted: 0,
  unacceptableProtocol: 1,
  identifierRejected: 2,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;

export type ConnectVerdict =
  | { ok: true; identity: ClientIdentity; generationId: string; expiresAtSeconds: number }
  | { ok: false; returnCode: number; reason: string };

export interface AuthenticationContext {
  /** Host names a client may write in its username and SAS audience, compared case-insensitively. */
  hostNames: readonly string[];
  registry: IdentityRegistry;
  nowSeconds: number;
}

export function authenticateConnect(packet: IConnectPacket, context: AuthenticationContext): ConnectVerdict {
  // IoT Hub speaks MQTT 3.1.1 only (protocol level 4).
  if (packet.protocolVersion !== 4) return refuse(CONNACK.unacceptableProtocol, `protocol version ${packet.protocolVersion} is not MQTT 3.1.1`);
  const identity = identityFromClientId(packet.clientId);
  if (identity === undefined) return refuse(CONNACK.identifierRejected, `client id "${packet.clientId}" is not {deviceId} or {deviceId}/{moduleId}`);
  if (packet.username === undefined || !usernameNames(packet.username, packet.clientId, context.hostNames)) {
    return refuse(CONNACK.badUsernameOrPassword, `username must be {hostName}/${packet.clientId}/?api-version=…`);
  }
  if (packet.password === undefined) return refuse(CONNACK.badUsernameOrPassword, 'no password (a SharedAccessSignature token) was given');

  // IoT Hub answers "not authorized" (5) for an unknown or disabled identity and for a bad token
  // (docs/research/iothub-facts.md §7, "Bad credentials").
  const owner = ownerOf(identity, context.registry);
  if (typeof owner === 'string') return refuse(CONNACK.notAuthorized, owner);
  const { primaryKey, secondaryKey } = owner.authentication.symmetricKey;
  const keys = [primaryKey, secondaryKey].filter((key) => key !== '');
  const token = packet.password.toString('utf8');
  const audiences = context.hostNames.map((host) => `${host}${audiencePath(identity)}`);
  const verdict = verifySasToken(token, { audiences, keys, nowSeconds: context.nowSeconds });
  if (verdict !== 'ok') return refuse(CONNACK.notAuthorized, `the SharedAccessSignature is refused: ${verdict}`);
  return { ok: true, identity, generationId: owner.generationId, expiresAtSeconds: parseSasToken(token)?.se ?? context.nowSeconds };
}

function refuse(returnCode: number, reason: string): ConnectVerdict {
  return { ok: false, returnCode, reason };
}

/** The username starts with one of the host names, then the client id (the rest is options). */
function usernameNames(username: string, clientId: string, hostNames: readonly string[]): boolean {
  const lower = username.toLowerCase();
  return hostNames.some((host) => {
    const prefix = `${host.toLowerCase()}/`;
    if (!lower.startsWith(prefix)) return false;
    const rest = username.slice(prefix.length);
    return rest === clientId || rest === `${clientId}/` || rest.startsWith(`${clientId}/?`);
  });
}

/** The registered identity whose keys sign its tokens, or why it cannot connect. */
function ownerOf(identity: ClientIdentity, registry: IdentityRegistry): DeviceIdentity | ModuleIdentity | string {
  const device = registry.getDevice(identity.deviceId);
  if (device === undefined) return `device "${identity.deviceId}" is not registered`;
  if (device.status !== 'enabled') return `device "${identity.deviceId}" is disabled`;
  // A module signs with its own keys: whether IoT Hub also takes its device's keys is unconfirmed
  // (docs/research/iothub-facts.md, gap 9), so the stricter reading is kept.
  const owner = identity.moduleId === undefined ? device : registry.getModule(identity.deviceId, identity.moduleId);
  return owner ?? `module "${identity.deviceId}/${identity.moduleId}" is not registered`;
}
