// Whether edgeHub can deliver to a route's sink. The grammar accepts any `$name` and any
// `name("address")`; edgeHub's EndpointFactory then accepts only `$upstream` and
// `BrokeredEndpoint("...")` (both ignoring case), and only an address that, trimmed and with one
// leading and one trailing '/' removed, splits into exactly four segments. It uses segments 2 and 4
// as module and input and never looks at segments 1 and 3, so `/a/b/c/d` is accepted too.

export type EndpointCheck =
  | { accepted: true; target: { kind: 'upstream' } | { kind: 'module'; moduleId: string; input: string } }
  | { accepted: false; reason: string };

/** EndpointFactory.CreateSystemEndpoint: `$upstream`, any case. */
export function checkSystemEndpoint(name: string | null): EndpointCheck {
  if (name !== null && name.toLowerCase() === '$upstream') return { accepted: true, target: { kind: 'upstream' } };
  return { accepted: false, reason: `edgeHub only knows the system endpoint $upstream, not ${name ? `'${name}'` : 'an empty name'}; use $upstream.` };
}

/** EndpointFactory.CreateFunctionEndpoint: `BrokeredEndpoint("/modules/<module>/inputs/<input>")`, function name in any case. */
export function checkFunctionEndpoint(functionName: string | null, address: string | null): EndpointCheck {
  if (functionName === null || functionName.toLowerCase() !== 'brokeredendpoint') {
    return {
      accepted: false,
      reason: `edgeHub only supports the function endpoint BrokeredEndpoint, not ${functionName ? `'${functionName}'` : 'an empty name'}; write BrokeredEndpoint("/modules/<module>/inputs/<input>").`,
    };
  }
  let trimmed = (address ?? '').trim();
  if (trimmed.startsWith('/')) trimmed = trimmed.slice(1);
  if (trimmed.endsWith('/')) trimmed = trimmed.slice(0, -1);
  const segments = trimmed.split('/');
  if (segments.length !== 4) {
    return {
      accepted: false,
      reason: `The BrokeredEndpoint address '${address ?? ''}' must have the form /modules/<module>/inputs/<input> (four segments), but it has ${segments.length}.`,
    };
  }
  return { accepted: true, target: { kind: 'module', moduleId: segments[1]!, input: segments[3]! } };
}

/** The endpoint id edgeHub gives a module input: `<edgeDeviceId>/<module>/<input>`. */
export function moduleEndpointId(edgeDeviceId: string, moduleId: string, input: string): string {
  return `${edgeDeviceId}/${moduleId}/${input}`;
}
