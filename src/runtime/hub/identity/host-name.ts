// A connection string's HostName may carry the MQTT port (docs/FACTS.md §8, "The official SDKs
// and ports"); HTTPS calls and SNI need the host alone.

/** The host without a port; IPv6 addresses stay whole (bracketed ones lose their brackets). */
export function hostOnly(hostName: string): string {
  if (hostName.startsWith('[')) return hostName.slice(1, hostName.indexOf(']'));
  const colon = hostName.lastIndexOf(':');
  return colon > 0 && hostName.indexOf(':') === colon ? hostName.slice(0, colon) : hostName;
}
