// UpstreamProtocol values as edgeHub and edgeAgent read them: case-insensitively, with any
// other value ignored (edge-agent UpstreamProtocolHelper, edge-hub DependencyManager).

export const UPSTREAM_PROTOCOLS = ['Amqp', 'AmqpWs', 'Mqtt', 'MqttWs'];

/** The protocol a value selects, in its canonical spelling; undefined when the runtime ignores it. */
export function canonicalProtocol(value: unknown): string | undefined {
  return typeof value === 'string' ? UPSTREAM_PROTOCOLS.find((protocol) => protocol.toLowerCase() === value.trim().toLowerCase()) : undefined;
}
