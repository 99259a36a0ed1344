// Who may call the REST API (docs/FACTS.md §9): a token of the `iothubowner` policy (sr = the
// hub's host name, skn = iothubowner) may do everything; a token of an edge device itself, or of
// its $edgeHub module (sr = {host}/devices/{d}[/modules/$edgeHub], no skn), signed with that
// identity's key, may act only on that device's scope (routes.ts says which calls). The hub
// answers to several host names (its name, its address, with or without a port), because
// clients sign whatever their connection string's HostName says.
import { CloudError } from '../cloud-error.js';
import type { IdentityRegistry } from '../identities.js';
import { parseSasToken, verifySasToken, type SasVerdict } from '../../iothub/sas.js';
import type { Principal } from './rest-types.js';

export const OWNER_POLICY = 'iothubowner';

export interface AuthorizationOptions {
  /** Every host name a client may sign for, e.g. local-hub, 127.0.0.1, 127.0.0.1:18443. */
  hostNames: readonly string[];
  /** The iothubowner policy's keys (primary and secondary). */
  ownerKeys: readonly string[];
  registry: IdentityRegistry;
  nowSeconds?: () => number;
}

const REASONS: Record<Exclude<SasVerdict, 'ok'>, string> = {
  malformed: 'the Authorization header is not a SharedAccessSignature token',
  expired: 'the SharedAccessSignature token has expired',
  'wrong-audience': 'the SharedAccessSignature token is for another hub or identity (its sr)',
  'bad-signature': 'the SharedAccessSignature token is not signed with a key of this identity',
};

export function authorizeRequest(header: string | undefined, options: AuthorizationOptions): Principal {
  if (header === undefined || header.trim() === '') throw unauthorized('the request has no Authorization header; sign it with a SharedAccessSignature token');
  const token = parseSasToken(header);
  if (!token) throw unauthorized(REASONS.malformed);
  const nowSeconds = options.nowSeconds?.() ?? Math.floor(Date.now() / 1000);
  if (token.skn !== undefined) {
    if (token.skn !== OWNER_POLICY) throw unauthorized(`the policy ${token.skn} is not known here; edgewise cloud has one policy, ${OWNER_POLICY}`);
    const verdict = verifySasToken(header, { audiences: [...options.hostNames], keys: [...options.ownerKeys], nowSeconds, policyName: OWNER_POLICY });
    if (verdict !== 'ok') throw unauthorized(REASONS[verdict]);
    return { kind: 'owner' };
  }
  return authorizeDevice(header, token.sr, nowSeconds, options);
}

function authorizeDevice(header: string, sr: string, nowSeconds: number, options: AuthorizationOptions): Principal {
  const audience = /^(.+?)\/devices\/([^/]+)(?:\/modules\/([^/]+))?\/?$/.exec(fullyDecoded(sr));
  if (!audience) throw unauthorized(REASONS['wrong-audience']);
  const [, host, deviceId, moduleId] = audience as unknown as [string, string, string, string | undefined];
  if (!options.hostNames.some((name) => name.toLowerCase() === host.toLowerCase())) throw unauthorized(REASONS['wrong-audience']);
  if (moduleId !== undefined && moduleId !== '$edgeHub') throw unauthorized('only a device itself or its $edgeHub module may call the service API with its own key');
  const device = options.registry.getDevice(deviceId);
  const identity = moduleId === undefined ? device : options.registry.getModule(deviceId, moduleId);
  if (!device || !identity) throw unauthorized(`no identity ${moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`} in this hub`);
  if (device.status !== 'enabled') throw unauthorized(`device ${deviceId} is disabled`);
  const keys = [identity.authentication.symmetricKey.primaryKey, identity.authentication.symmetricKey.secondaryKey].filter((key) => key !== '');
  const suffix = `/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`;
  const verdict = verifySasToken(header, { audiences: options.hostNames.map((name) => name + suffix), keys, nowSeconds });
  if (verdict !== 'ok') throw unauthorized(REASONS[verdict]);
  return moduleId === undefined ? { kind: 'device', deviceId } : { kind: 'device', deviceId, moduleId };
}

/** The edge hub encodes ids before its audience is encoded again (docs/FACTS.md §9): decode until nothing changes. */
export function fullyDecoded(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return current;
    }
    if (next === current) return current;
    current = next;
  }
  return current;
}

export function unauthorized(message: string): CloudError {
  return new CloudError(401, 'IotHubUnauthorizedAccess', message);
}
