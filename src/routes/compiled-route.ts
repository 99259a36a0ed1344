// A whole route ready for a runtime router: parsed, its condition compiled, its sink checked
// against edgeHub's endpoint factory, and its source turned into a prefix matcher. Compile once
// per route; per message call delivers() with a message prepared once for all routes.
import { compileCondition, type CompileError, type CompileOptions, type CompiledCondition } from './condition-compiler.js';
import { conditionMatches } from './condition-evaluator.js';
import { checkFunctionEndpoint, checkSystemEndpoint, type EndpointCheck } from './endpoint.js';
import { parseRoute, type ParsedRoute, type RouteSyntaxError } from './route-parser.js';
import { prepareMessage, type PreparedMessage, type RouteMessage } from './route-message.js';
import { compileSourceMatcher, messageSourceFromSystemProperties } from './source-match.js';

export interface CompiledRoute {
  parsed: ParsedRoute;
  condition: CompiledCondition;
  /** Where the route delivers; edgeHub refuses the route when the endpoint is not accepted. */
  endpoint: Extract<EndpointCheck, { accepted: true }>['target'];
  /** Does the route's FROM clause select messages from this source? */
  matchesSource(messageSource: string): boolean;
  /**
   * Would edgeHub deliver this message through the route? The source defaults to the one edgeHub
   * derives from the system properties (messageType, connectionModuleId, outputName).
   */
  delivers(message: RouteMessage | PreparedMessage, messageSource?: string): boolean;
}

export type RouteCompileResult =
  | { ok: true; route: CompiledRoute }
  | { ok: false; stage: 'parse'; error: RouteSyntaxError }
  | { ok: false; stage: 'endpoint'; parsed: ParsedRoute; reason: string }
  | { ok: false; stage: 'condition'; parsed: ParsedRoute; errors: CompileError[] };

/** Everything edgeHub does with a route string before it routes a single message. */
export function compileRoute(text: string, options: Omit<CompileOptions, 'offset'> = {}): RouteCompileResult {
  const parsed = parseRoute(text);
  if (!parsed.ok) return { ok: false, stage: 'parse', error: parsed.error };
  const route = parsed.route;
  // edgeHub creates the endpoint while it builds the route, and compiles the condition later.
  const endpoint = route.sink.kind === 'function' ? checkFunctionEndpoint(route.sink.name, route.sink.address) : checkSystemEndpoint(route.sink.name);
  if (!endpoint.accepted) return { ok: false, stage: 'endpoint', parsed: route, reason: endpoint.reason };
  const compiled = compileCondition(route.conditionText, { ...options, offset: route.conditionSpan?.offset ?? 0 });
  if (!compiled.ok) return { ok: false, stage: 'condition', parsed: route, errors: compiled.errors };
  const matchesSource = compileSourceMatcher(route.source);
  const condition = compiled.condition;
  return {
    ok: true,
    route: {
      parsed: route,
      condition,
      endpoint: endpoint.target,
      matchesSource,
      delivers(message, messageSource) {
        const prepared = prepareMessage(message);
        const source = messageSource ?? messageSourceFromSystemProperties(systemPropertiesOf(message));
        return matchesSource(source) && conditionMatches(condition, prepared);
      },
    },
  };
}

function systemPropertiesOf(message: RouteMessage | PreparedMessage): Record<string, string | null | undefined> {
  if ('systemProperty' in message) {
    return {
      messageType: message.systemProperty('messageType'),
      connectionModuleId: message.systemProperty('connectionModuleId'),
      outputName: message.systemProperty('outputName'),
    };
  }
  const bag = message.systemProperties;
  if (bag === undefined) return {};
  if (bag instanceof Map) return Object.fromEntries(bag as ReadonlyMap<string, string | null>);
  return { ...(bag as Readonly<Record<string, string | null>>) };
}
