// Which messages a route's FROM clause selects. edgeHub turns the source into a prefix, not a
// glob: it trims, drops trailing '*' and '/', adds one '/', and a message matches when its own
// source plus '/' starts with that prefix, ignoring case. So `/messages/modules/m1*` matches module
// m1 but not m10, and a '*' in the middle is a literal character that matches nothing real.

/** The prefix edgeHub compares against (CustomMessageSource followed by BaseMessageSource). */
export function normalizeRouteSource(source: string): string {
  let s = source.trim().replace(/\*+$/, '');
  if (s.length > 1) s = s.replace(/\/+$/, '');
  return appendSingleTrailingSlash(s);
}

function appendSingleTrailingSlash(value: string): string {
  return `${value.trim().replace(/\/+$/, '')}/`;
}

export interface SourceMatchOptions {
  /**
   * The route side is one of edgeHub's built-in sources (TelemetryMessageSource and friends)
   * rather than a route's FROM text, so no '*' is stripped.
   */
  builtin?: boolean;
}

/** Does a message from `messageSource` (e.g. /messages/modules/m1/outputs/out1) match the route source? */
export function sourceMatches(routeSource: string, messageSource: string, options: SourceMatchOptions = {}): boolean {
  const prefix = options.builtin ? appendSingleTrailingSlash(routeSource) : normalizeRouteSource(routeSource);
  return appendSingleTrailingSlash(messageSource).toLowerCase().startsWith(prefix.toLowerCase());
}

/** A matcher for one route source, built once and used per message. */
export function compileSourceMatcher(routeSource: string): (messageSource: string) => boolean {
  const prefix = normalizeRouteSource(routeSource).toLowerCase();
  return (messageSource) => appendSingleTrailingSlash(messageSource).toLowerCase().startsWith(prefix);
}

/**
 * Can the route source match a message that module `moduleId` sends? edgeHub gives those the
 * sources /messages/modules/<id> and /messages/modules/<id>/outputs/<output>, so the route's prefix
 * must lead to /messages/modules/<id>/outputs/ or lie below it.
 */
export function sourceIncludesModule(routeSource: string, moduleId: string): boolean {
  const prefix = normalizeRouteSource(routeSource).toLowerCase();
  const outputs = `/messages/modules/${moduleId}/outputs/`.toLowerCase();
  return outputs.startsWith(prefix) || prefix.startsWith(outputs);
}

/** A segment of a route source that no message source has at that place. */
export interface UnmatchableSegment {
  /** 0-based position among the source's segments (0 is the one after the first '/'). */
  index: number;
  segment: string;
  /** Offset of the segment in the route source text. */
  offset: number;
  /** What edgeHub's message sources have at that place (empty: nothing, the source ends before it). */
  expected: readonly string[];
}

// The message sources edgeHub assigns (ModuleMessageSource, TelemetryMessageSource,
// TwinChangeEventMessageSource): /messages, /messages/modules/<id>, /messages/modules/<id>/outputs/<output>
// and /twinChangeNotifications. null stands for a name (module id, output name).
const MESSAGE_SOURCE_SHAPES: readonly (readonly (string | null)[])[] = [
  ['messages', 'modules', null, 'outputs', null],
  ['twinChangeNotifications'],
];

/**
 * The first segment of a route source that no message source has at its place, so the route never
 * matches; undefined when some message can match. Stops at a segment holding a literal '*' (module
 * ids may contain '*'; the route-syntax surprise explains it) and below an output name (not
 * known to be free of '/').
 */
export function firstUnmatchableSegment(routeSource: string): UnmatchableSegment | undefined {
  const prefix = normalizeRouteSource(routeSource);
  if (!prefix.startsWith('/')) return undefined;
  const segments = prefix.slice(1, -1) === '' ? [] : prefix.slice(1, -1).split('/');
  let shapes = MESSAGE_SOURCE_SHAPES;
  let offset = 1;
  for (const [index, segment] of segments.entries()) {
    if (segment.includes('*')) return undefined;
    const alive = shapes.filter((shape) => index < shape.length && (shape[index] === null || shape[index]!.toLowerCase() === segment.toLowerCase()));
    if (alive.length === 0) {
      // A name (null) matches any segment, so only fixed words can be expected here.
      const expected = shapes.flatMap((shape) => (typeof shape[index] === 'string' ? [shape[index]] : []));
      return { index, segment, offset, expected };
    }
    if (alive.some((shape) => shape[index] === null && index === shape.length - 1)) return undefined;
    shapes = alive;
    offset += segment.length + 1;
  }
  return undefined;
}

const TWIN_CHANGE_NOTIFICATION = 'twinChangeNotification';

/**
 * The source edgeHub assigns to a message from its system properties: twin change notifications,
 * module outputs (/messages/modules/<id>/outputs/<output>), module messages without an output,
 * and device telemetry (/messages).
 */
export function messageSourceFromSystemProperties(systemProperties: Readonly<Record<string, string | null | undefined>>): string {
  const messageType = systemProperties.messageType;
  if (typeof messageType === 'string' && messageType.toLowerCase() === TWIN_CHANGE_NOTIFICATION.toLowerCase()) {
    return '/twinChangeNotifications';
  }
  const moduleId = systemProperties.connectionModuleId;
  if (typeof moduleId === 'string') {
    const output = systemProperties.outputName;
    return typeof output === 'string' ? `/messages/modules/${moduleId}/outputs/${output}` : `/messages/modules/${moduleId}`;
  }
  return '/messages';
}

/** edgeHub counts a message as telemetry when its source lies under /messages/. */
export function isTelemetrySource(messageSource: string): boolean {
  return appendSingleTrailingSlash(messageSource).startsWith('/messages/');
}
