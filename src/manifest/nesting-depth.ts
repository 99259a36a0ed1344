// How deep a document may nest. Thousands of levels overflow the stack of any recursive walk, and
// in YAML they can make V8 abort the whole process (a regular expression compiled with the stack
// nearly exhausted fails with "RegExpCompiler Allocation failed", which no catch sees). So the
// loader measures depth before anything recursive runs: YAML while its parser reads
// (yaml-source.ts), JSON in the key count every JSON file gets anyway (json-fast.ts). IoT Hub
// refuses twins nested deeper than 10 levels, so the limit only ever meets broken or hostile input.
import type { PendingFinding } from '../findings.js';

/** Containers (objects, arrays, mappings, sequences) allowed inside one another; the root is level 1. */
export const MAX_NESTING_DEPTH = 100;

export const TOO_DEEP_MESSAGE = `the document nests so deeply (over ${MAX_NESTING_DEPTH} levels) that edgewise refuses it (IoT Hub refuses twins nested deeper than 10 levels); flatten the structure that starts here`;

/**
 * Offset of the bracket that opens level `limit + 1`, outside strings (JSON and flow YAML), or
 * undefined when the text stays within the limit. A plain scan: no recursion, no parser.
 */
export function excessDepthOffset(text: string, limit = MAX_NESTING_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 123 /* { */ || code === 91 /* [ */) {
      if (++depth > limit) return i;
    } else if (code === 125 /* } */ || code === 93 /* ] */) depth--;
  }
  return undefined;
}

/**
 * Whether a parsed value nests past the limit. Safe on any value, including one that refers to
 * itself (YAML aliases can make one): a cycle is endlessly deep.
 */
export function valueNestsTooDeep(value: unknown, limit = MAX_NESTING_DEPTH): boolean {
  // Most values are JSON.parse results (every createOptions of every manifest), where each
  // container is reached once: a plain walk answers without bookkeeping. Recursion stops at the
  // limit, so it cannot overflow; shared values (an alias bomb) could make it visit too many
  // paths, so past a budget of visits the walk that remembers where it has been answers.
  if (value === null || typeof value !== 'object') return false;
  return deeperThan(value, 1, limit, { visits: QUICK_VISITS }) ?? walkOnce(value, limit);
}

/** Containers the plain walk visits before it leaves the answer to walkOnce. */
const QUICK_VISITS = 100_000;

/** True or false, or undefined once the budget is spent. */
function deeperThan(node: object, depth: number, limit: number, budget: { visits: number }): boolean | undefined {
  if (depth > limit) return true;
  if (--budget.visits < 0) return undefined;
  const children: readonly unknown[] = Array.isArray(node) ? node : Object.values(node);
  for (let index = 0; index < children.length; index++) {
    const child = children[index];
    if (child === null || typeof child !== 'object') continue;
    const deeper = deeperThan(child, depth + 1, limit, budget);
    if (deeper !== false) return deeper;
  }
  return false;
}

/** Walks with its own stack, each container once per new depth it is reached at. */
function walkOnce(value: unknown, limit: number): boolean {
  // Deepest level each container was reached at: reaching it again no deeper adds nothing, so
  // shared values (YAML aliases) are walked once per new depth, not once per reference.
  const reached = new Map<object, number>();
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (depth > limit) return true;
    if ((reached.get(node) ?? 0) >= depth) continue;
    reached.set(node, depth);
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

export function tooDeepFindingAt(offset: number): PendingFinding {
  return { ruleId: 'parse', severity: 'error', message: TOO_DEEP_MESSAGE, pointer: '', offset };
}

/**
 * For validate and lint's last resort (a stack overflow in a value the loader does not see, such
 * as JSON embedded in a createOptions string): placed at the first bracket past the limit, if any.
 */
export function tooDeepFinding(text: string): PendingFinding {
  return tooDeepFindingAt(excessDepthOffset(text) ?? 0);
}

export function isStackOverflow(error: unknown): boolean {
  return error instanceof RangeError && /call stack/i.test(error.message);
}
