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
