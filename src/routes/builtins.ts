// edgeHub's built-in condition functions: their accepted argument types (checked at compile time,
// first matching signature wins) and what they compute. Signatures marked `query` also accept
// $body values; their arguments are converted to query values before the call, and the function
// then answers undefined for anything of the wrong kind at runtime. So length(null) is a compile
// error, while length(p) for a property p holding null is undefined.
import { checkTwinChangePath } from './body-query.js';
import { parseDoubleAny } from './dotnet-number.js';
import { toLowerInvariant, toUpperInvariant } from './dotnet-text.js';
import { BodyReadError } from './message-body.js';
import type { PreparedMessage } from './route-message.js';
import {
  boolOf,
  FALSE,
  isDefined,
  QUERY_NULL_NO_MATCH,
  toQueryValue,
  TRUE,
  UNDEFINED_BOOL,
  UNDEFINED_STRING,
  type Bool3,
  type QueryValue,
  type ValueType,
} from './route-values.js';

export interface CompiledExpr {
  type: ValueType;
  evaluate(message: PreparedMessage): unknown;
  /** Set for values known at compile time (literals, the argument text of twin_change_includes). */
  constant?: unknown;
}

export type Signature =
  | { kind: 'args'; types: readonly ValueType[] }
  /** The last type repeats: concat(string, string, string...). */
  | { kind: 'varargs'; types: readonly ValueType[] }
  | { kind: 'any'; arity: number };

export interface Executor {
  signature: Signature;
  /** Accepts $body values and converts all arguments to query values. */
  query: boolean;
  /** Builds the call; throws BuiltinArgumentError when the arguments are unusable (bad path). */
  create(args: CompiledExpr[]): CompiledExpr;
}

export interface Builtin {
  name: string;
  executors: readonly Executor[];
  /** Receives its argument text, not values (twin_change_includes). */
  takesText?: boolean;
  requiresFlag?: 'twinChangeIncludes';
  /** Only valid on edgeHub's built-in twin-change source. */
  twinChangeSourceOnly?: boolean;
}

export class BuiltinArgumentError extends Error {}

const SUPPORTED_BY_QUERY: ReadonlySet<ValueType> = new Set(['null', 'number', 'string', 'bool']);

/** Args.Match / VarArgs.Match / AnyArgs.Match. */
export function signatureMatches(signature: Signature, given: readonly ValueType[], matchQuery: boolean): boolean {
  if (signature.kind === 'any') return given.length === signature.arity;
  if (signature.kind === 'args') {
    return (
      signature.types.length === given.length &&
      signature.types.every(
        (t, i) =>
          t === given[i] ||
          (matchQuery && ((given[i] === 'queryValue' && SUPPORTED_BY_QUERY.has(t)) || (t === 'queryValue' && SUPPORTED_BY_QUERY.has(given[i]!)))),
      )
    );
  }
  const fixed = signature.types.length - 1;
  if (given.length < fixed) return false;
  return given.every((g, i) => g === signature.types[Math.min(i, fixed)] || (matchQuery && g === 'queryValue'));
}

const qv = (args: CompiledExpr[]): CompiledExpr[] =>
  args.map((a) => (a.type === 'queryValue' ? a : { type: 'queryValue', evaluate: (m) => toQueryValue(a.type, a.evaluate(m)) }));

const args = (...types: ValueType[]): Signature => ({ kind: 'args', types });
const any1: Signature = { kind: 'any', arity: 1 };
export const constant = (type: ValueType, value: unknown): CompiledExpr => ({ type, evaluate: () => value, constant: value });

function doubleOf(q: QueryValue): number {
  return q.kind === 'double' ? (q.value as number) : NaN;
}

function stringOf(q: QueryValue): string | undefined {
  return q.kind === 'string' && q.value !== null ? (q.value as string) : undefined;
}

/** A numeric function of one query value. */
function numeric(name: string, f: (x: number) => number): Builtin {
  return {
    name,
    executors: [
      {
        signature: args('number'),
        query: true,
        create: ([a]) => ({ type: 'number', evaluate: (m) => f(doubleOf(a!.evaluate(m) as QueryValue)) }),
      },
    ],
  };
}

/** A function of strings only (any missing or null argument gives `fallback`). */
function textual(name: string, arity: number, type: ValueType, fallback: unknown, f: (...s: string[]) => unknown): Builtin {
  return {
    name,
    executors: [
      {
        signature: args(...(Array(arity).fill('string') as ValueType[])),
        query: true,
        create: (list) => ({
          type,
          evaluate: (m) => {
            const values = list.map((a) => stringOf(a.evaluate(m) as QueryValue));
            return values.every((v) => v !== undefined) ? f(...(values as string[])) : fallback;
          },
        }),
      },
    ],
  };
}

/** Math.Pow as .NET Core computes it (IEEE 754-2008: pow(1, y) and pow(-1, ±∞) are 1). */
function dotnetPow(x: number, y: number): number {
  if (x === 1) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

function substring(s: string, start: number, length?: number): string | typeof UNDEFINED_STRING {
  if (Number.isNaN(start)) return UNDEFINED_STRING;
  if (length === undefined) return start <= s.length && start >= 0 ? s.slice(Math.trunc(start)) : UNDEFINED_STRING;
  const valid = start < s.length && start >= 0 && !Number.isNaN(length) && length >= 0 && length <= s.length - start;
  return valid ? s.substr(Math.trunc(start), Math.trunc(length)) : UNDEFINED_STRING;
}

function typeCheck(name: string, accepts: ValueType, test: (q: QueryValue) => Bool3): Builtin {
  return {
    name,
    executors: [
      { signature: args(accepts), query: true, create: ([a]) => ({ type: 'bool', evaluate: (m) => test(a!.evaluate(m) as QueryValue) }) },
      { signature: any1, query: false, create: () => constant('bool', FALSE) },
    ],
  };
}

const BUILTIN_LIST: readonly Builtin[] = [
  numeric('abs', Math.abs),
  numeric('exp', Math.exp),
  {
    name: 'power',
    executors: [
      {
        signature: args('number', 'number'),
        query: true,
        create: ([x, y]) => ({
          type: 'number',
          evaluate: (m) => {
            const a = x!.evaluate(m) as QueryValue;
            const b = y!.evaluate(m) as QueryValue;
            return a.kind === 'double' && b.kind === 'double' ? dotnetPow(a.value as number, b.value as number) : NaN;
          },
        }),
      },
    ],
  },
  numeric('square', (x) => (Number.isNaN(x) ? NaN : x * x)),
  numeric('ceiling', Math.ceil),
  numeric('floor', Math.floor),
  numeric('sign', (x) => (Number.isNaN(x) ? NaN : Math.sign(x) + 0)),
  numeric('sqrt', (x) => (Number.isNaN(x) ? NaN : Math.sqrt(x))),
  {
    name: 'as_number',
    executors: [
      {
        signature: args('string'),
        query: true,
        create: ([a]) => ({
          type: 'number',
          evaluate: (m) => {
            const q = a!.evaluate(m) as QueryValue;
            if (q.kind === 'string') return parseDoubleAny(q.value as string | null);
            return q.kind === 'double' ? (q.value as number) : NaN;
          },
        }),
      },
      { signature: args('number'), query: false, create: ([a]) => a! },
    ],
  },
  {
    name: 'is_bool',
    executors: [
      {
        signature: args('bool'),
        query: true,
        create: ([a]) => ({
          type: 'bool',
          evaluate: (m) => {
            const q = a!.evaluate(m) as QueryValue;
            if (q.kind === 'none') return UNDEFINED_BOOL;
            return q.kind === 'bool' ? TRUE : FALSE;
          },
        }),
      },
      { signature: any1, query: false, create: () => constant('bool', FALSE) },
    ],
  },
  {
    name: 'is_defined',
    executors: (['string', 'number', 'bool', 'undefined', 'null', 'queryValue'] as const).map((type) => ({
      signature: args(type),
      query: false,
      create: ([a]: CompiledExpr[]) => ({ type: 'bool' as const, evaluate: (m: PreparedMessage) => boolOf(isDefined(type, a!.evaluate(m))) }),
    })),
  },
  {
    name: 'is_null',
    executors: [
      { signature: args('string'), query: false, create: ([a]) => ({ type: 'bool', evaluate: (m) => boolOf(a!.evaluate(m) === null) }) },
      {
        signature: args('queryValue'),
        query: false,
        create: ([a]) => ({
          type: 'bool',
          evaluate: (m) => {
            const q = a!.evaluate(m) as QueryValue;
            // edgeHub compares with its shared "no match" null by reference, so this is true for
            // every defined body value except a path that matched nothing.
            return q.kind === 'none' ? UNDEFINED_BOOL : boolOf(q !== QUERY_NULL_NO_MATCH);
          },
        }),
      },
      { signature: args('null'), query: false, create: () => constant('bool', TRUE) },
      { signature: any1, query: false, create: () => constant('bool', FALSE) },
    ],
  },
  typeCheck('is_number', 'number', (q) => boolOf(q.kind === 'double' && Number.isFinite(q.value as number))),
  typeCheck('is_string', 'string', (q) => boolOf(q.kind === 'string' && q.value !== null)),
  {
    name: 'concat',
    executors: [
      {
        signature: { kind: 'varargs', types: ['string', 'string', 'string'] },
        query: true,
        create: (list) => ({
          type: 'string',
          evaluate: (m) => {
            let out = '';
            for (const a of list) {
              const q = a.evaluate(m) as QueryValue;
              if (q.kind !== 'string') return UNDEFINED_STRING;
              out += (q.value as string | null) ?? '';
            }
            return out;
          },
        }),
      },
    ],
  },
  textual('length', 1, 'number', NaN, (s) => s.length),
  textual('lower', 1, 'string', UNDEFINED_STRING, toLowerInvariant),
  textual('upper', 1, 'string', UNDEFINED_STRING, toUpperInvariant),
  {
    name: 'substring',
    executors: [2, 3].map((arity) => ({
      signature: args(...((arity === 2 ? ['string', 'number'] : ['string', 'number', 'number']) as ValueType[])),
      query: true,
      create: (list: CompiledExpr[]) => ({
        type: 'string' as const,
        evaluate: (m: PreparedMessage) => {
          const [s, start, length] = list.map((a) => a.evaluate(m) as QueryValue);
          const text = stringOf(s!);
          if (s!.kind !== 'string' || start!.kind !== 'double' || (length && length.kind !== 'double')) return UNDEFINED_STRING;
          if (text === undefined) return UNDEFINED_STRING;
          return substring(text, start!.value as number, length ? (length.value as number) : undefined);
        },
      }),
    })),
  },
  textual('index_of', 2, 'number', NaN, (s, f) => s.indexOf(f)),
  textual('starts_with', 2, 'bool', UNDEFINED_BOOL, (s, f) => boolOf(s.startsWith(f))),
  textual('ends_with', 2, 'bool', UNDEFINED_BOOL, (s, f) => boolOf(s.endsWith(f))),
  textual('contains', 2, 'bool', UNDEFINED_BOOL, (s, f) => boolOf(s.includes(f))),
  {
    name: 'twin_change_includes',
    takesText: true,
    requiresFlag: 'twinChangeIncludes',
    twinChangeSourceOnly: true,
    executors: [
      {
        signature: args('string'),
        query: false,
        create: ([a]) => {
          const path = String(a!.constant ?? '');
          if (path === '') throw new BuiltinArgumentError('twin_change_includes argument cannot be empty');
          const check = checkTwinChangePath(path);
          if (!check.ok) throw new BuiltinArgumentError(check.message);
          return {
            type: 'bool',
            evaluate: (m) => {
              try {
                const q = m.queryBody(path);
                if (q === QUERY_NULL_NO_MATCH) return FALSE;
                return q.kind === 'none' ? UNDEFINED_BOOL : TRUE;
              } catch (error) {
                if (error instanceof BodyReadError) return UNDEFINED_BOOL;
                throw error;
              }
            },
          };
        },
      },
    ],
  },
];

const BUILTINS = new Map(BUILTIN_LIST.map((b) => [b.name, b]));

/** Looks a function up by name, ignoring case as edgeHub does. */
export function findBuiltin(name: string): Builtin | undefined {
  return BUILTINS.get(name.toLowerCase());
}

export const BUILTIN_NAMES: readonly string[] = BUILTIN_LIST.map((b) => b.name);

/** The signatures of a function, written like edgeHub's error messages: as_number(string). */
export function describeSignatures(builtin: Builtin): string {
  return builtin.executors
    .map((e) => {
      const s = e.signature;
      if (s.kind === 'any') return `${builtin.name}(${Array(s.arity).fill('any').join(', ')})`;
      const types = s.types.map(typeName);
      return `${builtin.name}(${s.kind === 'varargs' ? `${types.slice(0, -1).join(', ')}, ${types[types.length - 1]}...` : types.join(', ')})`;
    })
    .join(', ');
}

/** Type names as edgeHub prints them (a $body value is "unknown" there; we say what it is). */
export function typeName(type: ValueType): string {
  return type === 'queryValue' ? '$body value' : type;
}

/** Wraps arguments as query values for executors that want them. */
export function prepareArguments(executor: Executor, list: CompiledExpr[]): CompiledExpr[] {
  return executor.query ? qv(list) : list;
}
