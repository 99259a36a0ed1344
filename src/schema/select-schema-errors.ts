// One wrong value can set off a cascade of anyOf/oneOf branch errors. Keep only the branch
// that got furthest into the document (the one the author most likely meant), as
// Python jsonschema's best_match does, and drop the "must match a schema in anyOf" summary.
import type { ErrorObject } from 'ajv';

const COMBINATORS = new Set(['anyOf', 'oneOf']);

function depth(instancePath: string): number {
  return instancePath === '' ? 0 : instancePath.split('/').length - 1;
}

function isWithin(instancePath: string, ancestor: string): boolean {
  return instancePath === ancestor || instancePath.startsWith(ancestor + '/');
}

export function selectUsefulErrors(errors: readonly ErrorObject[]): ErrorObject[] {
  // `if` only says "must match then schema": the real error from `then` is reported too.
  let kept = errors.filter((error) => error.keyword !== 'if');
  const combinators = kept
    .filter((error) => COMBINATORS.has(error.keyword))
    .sort((a, b) => b.schemaPath.length - a.schemaPath.length); // innermost first
  for (const combinator of combinators) {
    if (!kept.includes(combinator)) continue;
    kept = resolveCombinator(kept, combinator);
  }
  return dedupe(foldPropertyNameErrors(kept));
}

/**
 * A bad key gives an inner error (the key's own rule, e.g. a pattern) and an outer
 * `propertyNames` one. Keep one error, the outer one, carrying the inner rule.
 */
function foldPropertyNameErrors(errors: ErrorObject[]): ErrorObject[] {
  const outers = errors.filter((error) => error.keyword === 'propertyNames');
  // ajv marks inner errors with `propertyName` only for inline rules; for a $ref'd rule the
  // inner error sits at the same path with the key itself as its (verbose) data.
  const innerOf = (outer: ErrorObject) =>
    errors.filter(
      (error) =>
        error !== outer &&
        error.keyword !== 'propertyNames' &&
        error.instancePath === outer.instancePath &&
        (error.propertyName === outer.params.propertyName || error.data === outer.params.propertyName),
    );
  const inner = new Set(outers.flatMap(innerOf));
  return errors
    .filter((error) => !inner.has(error))
    .map((error) => {
      if (error.keyword !== 'propertyNames') return error;
      const rule = innerOf(error)[0];
      return rule ? { ...error, params: { ...error.params, rule } } : error;
    });
}

function resolveCombinator(errors: ErrorObject[], combinator: ErrorObject): ErrorObject[] {
  const prefix = combinator.schemaPath + '/';
  const branches = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    if (error === combinator || !error.schemaPath.startsWith(prefix) || !isWithin(error.instancePath, combinator.instancePath)) continue;
    const branch = error.schemaPath.slice(prefix.length).split('/')[0]!;
    branches.set(branch, [...(branches.get(branch) ?? []), error]);
  }
  if (branches.size === 0) return errors; // e.g. oneOf failing because two branches matched
  const all = [...branches.values()].flat();
  const ranked = [...branches.values()].sort((a, b) => bestDepth(b) - bestDepth(a) || a.length - b.length);
  const best = ranked[0]!;
  const rest = errors.filter((error) => error !== combinator && !all.includes(error));
  if (bestDepth(best) > depth(combinator.instancePath) || ranked.length === 1) return [...rest, ...best];
  // Every branch failed on the value itself: one summary error says what was expected.
  const expectedTypes = [...branches.values()].flatMap((branch) => branch.filter((e) => e.keyword === 'type').map((e) => String(e.params.type)));
  if (expectedTypes.length === branches.size) {
    return [...rest, { ...combinator, keyword: 'type', params: { type: [...new Set(expectedTypes)].join(',') } }];
  }
  return [...rest, ...best];
}

function bestDepth(branch: readonly ErrorObject[]): number {
  return Math.max(...branch.map((error) => depth(error.instancePath) + (error.keyword === 'required' || error.keyword === 'additionalProperties' ? 0.5 : 0)));
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  const seen = new Set<string>();
  return errors.filter((error) => {
    const key = `${error.instancePath}|${error.keyword}|${JSON.stringify(error.params)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
