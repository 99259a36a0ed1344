// Who is on the other end of an MQTT connection, once CONNECT has been authenticated: a device,
// or a module of a device. IoT Hub names them by client id `{d}` or `{d}/{m}` (docs/FACTS.md §5).

export interface ClientIdentity {
  deviceId: string;
  moduleId?: string;
}

/** The client id IoT Hub expects for this identity, used as the key of its session. */
export function identityKey(identity: ClientIdentity): string {
  return identity.moduleId === undefined ? identity.deviceId : `${identity.deviceId}/${identity.moduleId}`;
}

/** The identity a client id names, or undefined when it is not `{d}` or `{d}/{m}`. */
export function identityFromClientId(clientId: string): ClientIdentity | undefined {
  const parts = clientId.split('/');
  if (parts.some((part) => part === '')) return undefined;
  if (parts.length === 1) return { deviceId: parts[0]! };
  if (parts.length === 2) return { deviceId: parts[0]!, moduleId: parts[1]! };
  return undefined;
}

/** The resource path a SAS token for this identity is scoped to, after the host (docs/FACTS.md §4). */
export function audiencePath(identity: ClientIdentity): string {
  return identity.moduleId === undefined ? `/devices/${identity.deviceId}` : `/devices/${identity.deviceId}/modules/${identity.moduleId}`;
}
