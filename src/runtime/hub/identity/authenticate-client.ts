// The CONNECT check for downstream clients, answered from the identity cache with the same SAS
// rules as the emulator (docs/FACTS.md §4): it works offline, and refuses whoever is not in this
// edge device's scope. As edgeHub's DeviceScopeTokenAuthenticator does, a module may sign with its
// own keys or its device's, for the audience of the module or of its device.
import type { AuthenticatedClient, CachedIdentity } from '../hub-types.js';
import { audiencePath, identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { parseSasToken, verifySasToken, type SasVerdict } from '../../iothub/sas.js';
import { hostOnly } from './host-name.js';
import { CONNACK, readConnectForm, refuse, type ConnectRefusal, type ConnectRequest } from '../../iothub/authenticate-connect.js';
import type { IdentityCache } from './identity-cache.js';

export type { ConnectRequest } from '../../iothub/authenticate-connect.js';

export interface CacheAuthenticationContext {
  cache: IdentityCache;
  /** Host names a client may sign for and name in its username: the IoT hub's and the gateway's. */
  hostNames: readonly string[];
  nowSeconds: number;
  /**
   * Told when the cache may be stale for a client: it is unknown, or its token matches none of
   * the cached keys (rotated?). The refresher then re-reads the scope; the client retries.
   */
  requestRefresh?: (identity: ClientIdentity) => void;
}

export type CacheVerdict = { ok: true; client: AuthenticatedClient } | ConnectRefusal;

export const NOT_SYNCED_REASON = 'this edge hub has not synced its device scope with the cloud yet; connect it to the cloud once';

const TOKEN_REASONS: Record<Exclude<SasVerdict, 'ok'>, string> = {
  malformed: 'the password is not a SharedAccessSignature token',
  expired: 'the SharedAccessSignature token has expired',
  'wrong-audience': 'the SharedAccessSignature token is for another hub or identity (its sr)',
  'bad-signature': 'the SharedAccessSignature token is not signed with a key of this identity',
};

export function authenticateFromCache(request: ConnectRequest, context: CacheAuthenticationContext): CacheVerdict {
  const form = readConnectForm(request, context.hostNames);
  if (!form.ok) return form;
  const { identity, token } = form;
  // Every refusal below is "not authorized" (5), as IoT Hub answers (docs/research/iothub-facts.md §7).
  if (isOwnSystemModule(identity, context.cache.edgeDeviceId)) return refuse(CONNACK.notAuthorized, `${identityKey(identity)} is this edge device's own system module and cannot connect as a client`);
  if (!context.cache.synced) return refuse(CONNACK.notAuthorized, NOT_SYNCED_REASON);
  const signers = signersOf(identity, context.cache);
  if (typeof signers === 'string') {
    if (signers === UNKNOWN) context.requestRefresh?.(identity);
    return refuse(CONNACK.notAuthorized, signers === UNKNOWN ? notInScope(identity, context.cache.edgeDeviceId) : signers);
  }
  const audiences = audiencePathsOf(identity).flatMap((path) => context.hostNames.map((host) => host + path));
  const keys = signers.flatMap((signer) => signer.keys);
  const verdict = verifySasToken(token, { audiences, keys, nowSeconds: context.nowSeconds });
  if (verdict !== 'ok') {
    if (verdict === 'bad-signature') context.requestRefresh?.(identity);
    return refuse(CONNACK.notAuthorized, `${identityKey(identity)}: ${TOKEN_REASONS[verdict]}`);
  }
  const own = signers[0]!;
  return { ok: true, client: { identity, generationId: own.generationId, expiresAtSeconds: parseSasToken(token)?.se ?? context.nowSeconds } };
}

/**
 * The host names a downstream client may sign for, as edgeHub takes them (its iothubHostName and
 * edgeHubHostName): the IoT hub's HostName as the edge device's connection string writes it, the
 * same without a port, and the gateway host name clients put in GatewayHostName.
 */
export function acceptedHostNames(options: { iotHubHostName: string; gatewayHostName: string }): string[] {
  return [...new Set([options.iotHubHostName, hostOnly(options.iotHubHostName), options.gatewayHostName])];
}

const UNKNOWN = 'unknown';

/**
 * This edge device's $edgeHub is the hub itself: a client posing as it would take over the hub's
 * own cloud connection (its method handler, its twin). $edgeAgent is refused too: the agent is to
 * run inside this process (the next issue), never as a downstream client. Both are in the scope
 * listing with keys, so the cache alone would let them in.
 */
const SYSTEM_MODULES = new Set(['$edgeHub', '$edgeAgent']);

function isOwnSystemModule(identity: ClientIdentity, edgeDeviceId: string): boolean {
  return identity.deviceId === edgeDeviceId && identity.moduleId !== undefined && SYSTEM_MODULES.has(identity.moduleId);
}

/** The identity's own record first, then (for a module) its device's; or why none may sign. */
function signersOf(identity: ClientIdentity, cache: IdentityCache): CachedIdentity[] | string {
  const own = cache.lookup(identity.deviceId, identity.moduleId);
  if (own === undefined) return UNKNOWN;
  if (identity.moduleId === undefined) {
    return own.status === 'enabled' ? [own] : `device ${identity.deviceId} is disabled`;
  }
  const device = cache.lookup(identity.deviceId);
  if (device?.status === 'disabled') return `device ${identity.deviceId} is disabled, and so are its modules`;
  if (own.status !== 'enabled') return `module ${identityKey(identity)} is disabled`;
  return device === undefined ? [own] : [own, device];
}

/** A device signs for itself only; a module for itself or for its device (edgeHub's ValidateAudienceIds). */
function audiencePathsOf(identity: ClientIdentity): string[] {
  return identity.moduleId === undefined ? [audiencePath(identity)] : [audiencePath(identity), audiencePath({ deviceId: identity.deviceId })];
}

function notInScope(identity: ClientIdentity, edgeDeviceId: string): string {
  return `${identityKey(identity)} is not in this edge device's scope (neither a module of ${edgeDeviceId} nor a device whose parent is ${edgeDeviceId}); if it was added or moved here recently, retry shortly: the hub refreshes its scope`;
}
