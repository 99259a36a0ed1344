// Who may call the gateway's HTTPS head: a caller proves itself with the SAS token in its
// Authorization header, checked with the same rules (and the same identity cache) as an MQTT
// CONNECT, so a module that could not connect cannot call a method either.
import { identityKey, type ClientIdentity } from '../iothub/client-identity.js';
import type { CacheVerdict, ConnectRequest } from './identity/authenticate-client.js';

export function gatewayCallerVerifier(authenticate: (request: ConnectRequest, nowSeconds: number) => CacheVerdict, hostName: () => string): (authorization: string | undefined, caller: ClientIdentity) => boolean {
  return (authorization, caller) => {
    if (authorization === undefined) return false;
    const clientId = identityKey(caller);
    const request: ConnectRequest = { clientId, username: `${hostName()}/${clientId}/?api-version=2021-04-12`, password: Buffer.from(authorization, 'utf8'), protocolVersion: 4 };
    const verdict = authenticate(request, Math.floor(Date.now() / 1000));
    return verdict.ok && identityKey(verdict.client.identity) === clientId;
  };
}
