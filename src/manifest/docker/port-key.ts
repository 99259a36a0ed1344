// How Docker reads a HostConfig.PortBindings key that is not "<port>[-<end>][/tcp|udp|sctp]",
// so a finding on such a key can say what happens instead of "the runtime ignores it".
// edgeAgent passes the keys through unchanged (Docker.DotNet's PortBindings is a dictionary).
// Facts, from moby and docker/go-connections:
//  - Nothing trims the key: nat.SplitProtoPort (Docker < 29) and network.ParsePort (Docker 29+)
//    cut it at "/" as it is, so "8883/tcp " has the protocol "tcp " and " 8883/tcp" the port " 8883".
//  - The port part must be a number: daemon validatePortBindings refuses the container otherwise
//    ("invalid port specification"; Docker 29 refuses the request body already).
//  - Docker < 29 publishes only the ports in Config.ExposedPorts (the user's plus the image's
//    EXPOSE), looking each one's bindings up by its exact text (daemon/container_operations.go),
//    so a binding keyed "8883/tcp " or "8883/TCP" beside an exposed "8883/tcp" is never applied.
//  - Docker 29 (moby cb3abacc52) publishes every PortBindings key, lower-casing the protocol; an
//    unknown protocol (libnetwork types.ParseProtocol gives 0) makes the port allocator fail
//    ("unknown protocol"), so the container does not start.
export type PortKeyProblem =
  | { kind: 'bad-port'; port: string }
  | { kind: 'protocol-case'; written: string; port: string; protocol: string }
  | { kind: 'unknown-protocol'; written: string; port: string; protocol: string };

const PORT = /^[0-9]{1,5}(-[0-9]{1,5})?$/;
const PROTOCOLS = new Set(['tcp', 'udp', 'sctp']);

export function portKeyProblem(key: string): PortKeyProblem | undefined {
  const slash = key.indexOf('/');
  const port = slash === -1 ? key : key.slice(0, slash);
  if (!PORT.test(port)) return { kind: 'bad-port', port };
  if (slash === -1) return undefined;
  const protocol = key.slice(slash + 1);
  if (protocol === '' || PROTOCOLS.has(protocol)) return undefined;
  if (PROTOCOLS.has(protocol.toLowerCase())) return { kind: 'protocol-case', written: protocol, port, protocol: protocol.toLowerCase() };
  return { kind: 'unknown-protocol', written: protocol, port, protocol: protocol.trim().toLowerCase() };
}

/**
 * The rest of a sentence about an invalid PortBindings key: what Docker does with it, and what to
 * write. Undefined for a key Docker reads as written.
 */
export function describePortKeyProblem(key: string): string | undefined {
  const problem = portKeyProblem(key);
  if (!problem) return undefined;
  const quoted = JSON.stringify(key);
  switch (problem.kind) {
    case 'bad-port': {
      const trimmed = problem.port.trim();
      const space = trimmed !== problem.port && PORT.test(trimmed) ? ' (Docker does not trim spaces)' : '';
      const example = PORT.test(trimmed) ? `"${trimmed}${key.slice(problem.port.length).trim() || '/tcp'}"` : 'a number, such as "8883/tcp"';
      return `Docker reads the container port ${JSON.stringify(problem.port)}, which is not a port number${space}, and refuses to create the container ("invalid port specification"). Write ${example}`;
    }
    case 'protocol-case':
      return `Docker before 29.0 applies a binding only to an exposed port of the same exact text, so this one is silently dropped unless ExposedPorts spells it ${quoted} too; Docker 29.0 and later read it as ${problem.port}/${problem.protocol}. Write "${problem.port}/${problem.protocol}"`;
    case 'unknown-protocol': {
      const fix = PROTOCOLS.has(problem.protocol) ? `"${problem.port}/${problem.protocol}"` : `"${problem.port}/tcp" (or udp, sctp)`;
      const space = problem.written !== problem.written.trim() ? ' (Docker does not trim the space)' : '';
      return `its protocol ${JSON.stringify(problem.written)} is not tcp, udp or sctp${space}: Docker before 29.0 applies a binding only to an exposed port of the same exact text, so beside the usual "${problem.port}/tcp" it is silently dropped and port ${problem.port} is not published; Docker 29.0 and later fail to start the container ("unknown protocol"). Write ${fix}`;
    }
  }
}
