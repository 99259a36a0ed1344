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

/**
 * By condition text, then offset: the text is the parse's own string, hashed once, where a key
 * joined from the two was built and hashed on every call of every route rule.
 */
const compiled = new Map<string, Map<number, CompileResult>>();
/** Results held in `compiled`, kept at most MAX_ENTRIES by dropping the oldest texts. */
let compiledCount = 0;

/** The WHERE condition compiled as edgeHub compiles it (body queries and twin_change_includes on). */
export function compileConditionOnce(text: string, offset: number): CompileResult {
  let byOffset = compiled.get(text);
  let result = byOffset?.get(offset);
  if (result) return result;
  result = compileCondition(text, { bodyQuery: true, twinChangeIncludes: true, offset });
  for (const [oldest, results] of compiled) {
    if (compiledCount < MAX_ENTRIES) break;
    compiled.delete(oldest);
    compiledCount -= results.size;
  }
  byOffset = compiled.get(text);
  if (!byOffset) compiled.set(text, (byOffset = new Map()));
  byOffset.set(offset, result);
  compiledCount++;
  return result;
}
