// Route texts parsed once and shared by the route rules (and across files: fleets repeat the
// same routes), so each rule reads the parse instead of parsing again.
import { compileCondition, parseRoute, type CompileResult, type RouteParseResult } from './index.js';

const MAX_ENTRIES = 2000;
const cache = new Map<string, RouteParseResult>();

export function parseRouteOnce(text: string): RouteParseResult {
  let parsed = cache.get(text);
  if (!parsed) {
    parsed = parseRoute(text);
    if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
    cache.set(text, parsed);
  }
  return parsed;
}

const compiled = new Map<string, CompileResult>();

/** The WHERE condition compiled as edgeHub compiles it (body queries and twin_change_includes on). */
export function compileConditionOnce(text: string, offset: number): CompileResult {
  const key = `${offset}\u0000${text}`;
  let result = compiled.get(key);
  if (!result) {
    result = compileCondition(text, { bodyQuery: true, twinChangeIncludes: true, offset });
    if (compiled.size >= MAX_ENTRIES) compiled.delete(compiled.keys().next().value!);
    compiled.set(key, result);
  }
  return result;
}
