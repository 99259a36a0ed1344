// Runtime values of edgeHub conditions and the operators on them. edgeHub types every expression
// at compile time as string, number, bool, null, undefined or "query value" (a $body lookup) and
// gives each type its own notion of undefined: a missing string is a special instance, an
// undefined number is NaN, an undefined bool is the third truth value. These helpers mirror the
// .NET operators (Bool, Null, Undefined, QueryValue, ComparisonOperators) value for value.

export type ValueType = 'string' | 'number' | 'bool' | 'null' | 'undefined' | 'queryValue';

/** A missing string (edgeHub's Undefined string instance); `null` is a present property with a null value. */
export const UNDEFINED_STRING: unique symbol = Symbol('undefined string');
export type StringValue = string | null | typeof UNDEFINED_STRING;

/** Three-valued bool: 1 true, -1 false, 0 undefined (the encoding edgeHub's Bool uses). */
export type Bool3 = 1 | 0 | -1;
export const TRUE: Bool3 = 1;
export const FALSE: Bool3 = -1;
export const UNDEFINED_BOOL: Bool3 = 0;

export const NULL_VALUE: unique symbol = Symbol('null');
export const UNDEFINED_VALUE: unique symbol = Symbol('undefined');

export type QueryValueKind = 'none' | 'bool' | 'double' | 'string' | 'null' | 'object';

/** A value read from the message body. Identity matters: see QUERY_NULL_NO_MATCH. */
export interface QueryValue {
  readonly kind: QueryValueKind;
  readonly value: Bool3 | number | string | null | unknown;
}

export const QUERY_UNDEFINED: QueryValue = Object.freeze({ kind: 'none', value: null });
/**
 * What a body lookup returns when nothing matches. edgeHub compares query values with this
 * instance by reference, so is_null($body.x) is false here and true for a JSON null.
 */
export const QUERY_NULL_NO_MATCH: QueryValue = Object.freeze({ kind: 'null', value: null });

export function queryValue(kind: QueryValueKind, value: unknown): QueryValue {
  return { kind, value };
}

export function boolOf(b: boolean): Bool3 {
  return b ? TRUE : FALSE;
}

export function not3(x: Bool3): Bool3 {
  return x === 0 ? 0 : x === 1 ? FALSE : TRUE;
}

export function and3(x: Bool3, y: Bool3): Bool3 {
  if (x === 0) return y === FALSE ? FALSE : 0;
  if (y === 0) return x === FALSE ? FALSE : 0;
  return x === FALSE || y === FALSE ? FALSE : TRUE;
}

export function or3(x: Bool3, y: Bool3): Bool3 {
  if (x === 0) return y === TRUE ? TRUE : 0;
  if (y === 0) return x === TRUE ? TRUE : 0;
  return x === TRUE || y === TRUE ? TRUE : FALSE;
}

/** Implicit conversion of any typed value to a query value, as edgeHub inserts when mixing types. */
export function toQueryValue(type: ValueType, v: unknown): QueryValue {
  switch (type) {
    case 'string':
      return v === UNDEFINED_STRING ? QUERY_UNDEFINED : queryValue('string', v);
    case 'number':
      return Number.isNaN(v) ? QUERY_UNDEFINED : queryValue('double', v);
    case 'bool':
      return v === 0 ? QUERY_UNDEFINED : queryValue('bool', v);
    case 'null':
      return queryValue('null', null); // a new instance, never QUERY_NULL_NO_MATCH
    case 'undefined':
      return QUERY_UNDEFINED;
    case 'queryValue':
      return v as QueryValue;
  }
}

/** Explicit QueryValue -> Bool: the bool it holds, otherwise undefined. */
export function queryValueToBool(v: QueryValue): Bool3 {
  return v.kind === 'bool' ? (v.value as Bool3) : 0;
}

/** The final conversion of a condition's value to its verdict. */
export function toBool(type: ValueType, v: unknown): Bool3 {
  switch (type) {
    case 'bool':
      return v as Bool3;
    case 'null':
      return FALSE;
    case 'queryValue':
      return queryValueToBool(v as QueryValue);
    default:
      return 0; // strings, numbers and undefined convert to undefined
  }
}

/** is_defined() for each type. */
export function isDefined(type: ValueType, v: unknown): boolean {
  switch (type) {
    case 'string':
      return v !== UNDEFINED_STRING;
    case 'number':
      return !Number.isNaN(v);
    case 'bool':
      return v !== 0;
    case 'null':
      return true;
    case 'undefined':
      return false;
    case 'queryValue':
      return (v as QueryValue).kind !== 'none';
  }
}

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

function verdict(op: CompareOp, order: number): Bool3 {
  switch (op) {
    case '=':
      return boolOf(order === 0);
    case '!=':
      return boolOf(order !== 0);
    case '<':
      return boolOf(order < 0);
    case '<=':
      return boolOf(order <= 0);
    case '>':
      return boolOf(order > 0);
    case '>=':
      return boolOf(order >= 0);
  }
}

/** string.Compare(a, b, StringComparison.Ordinal): UTF-16 code units, null sorts first. */
export function compareOrdinal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  return a < b ? -1 : 1;
}

/** double.CompareTo: NaN equals NaN and sorts below every number; -0 equals 0. */
export function compareDoubles(a: number, b: number): number {
  if (Number.isNaN(a)) return Number.isNaN(b) ? 0 : -1;
  if (Number.isNaN(b)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function compareStrings(op: CompareOp, a: StringValue, b: StringValue): Bool3 {
  if (a === UNDEFINED_STRING || b === UNDEFINED_STRING || a === null || b === null) return 0;
  return verdict(op, compareOrdinal(a, b));
}

export function compareNumbers(op: CompareOp, a: number, b: number): Bool3 {
  if (Number.isNaN(a) || Number.isNaN(b)) return 0;
  return verdict(op, compareDoubles(a, b));
}

export function compareBools(op: CompareOp, a: Bool3, b: Bool3): Bool3 {
  if (a === 0 || b === 0) return 0;
  return verdict(op, a - b);
}

export function compareNulls(op: CompareOp): Bool3 {
  return boolOf(op === '=' || op === '<=' || op === '>=');
}

const KIND_ORDER: Record<QueryValueKind, number> = { none: 0, bool: 1, double: 2, string: 3, null: 4, object: 5 };

export function compareQueryValues(op: CompareOp, a: QueryValue, b: QueryValue): Bool3 {
  if (a.kind === 'none' || b.kind === 'none') return 0;
  let order: number;
  if (a.kind !== b.kind) order = KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  else if (a.kind === 'bool') order = (a.value as number) - (b.value as number);
  else if (a.kind === 'string') order = compareOrdinal(a.value as string | null, b.value as string | null);
  else if (a.kind === 'double') order = compareDoubles(a.value as number, b.value as number);
  else if (a.kind === 'null') order = 0;
  else order = a.value === b.value ? 0 : 1; // objects compare by reference only
  return verdict(op, order);
}

/** QueryValue + - * / : numbers only, anything else is undefined. */
export function queryArithmetic(op: '+' | '-' | '*' | '/', a: QueryValue, b: QueryValue): QueryValue {
  if (a.kind !== 'double' || b.kind !== 'double') return QUERY_UNDEFINED;
  return queryValue('double', numberArithmetic(op, a.value as number, b.value as number));
}

export function numberArithmetic(op: '+' | '-' | '*' | '/' | '%', a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
  }
}

/** QueryValue & and | : defined only between two bools; the result converts back through QueryValue. */
export function queryLogic(op: 'and' | 'or', a: QueryValue, b: QueryValue): QueryValue {
  if (a.kind !== 'bool' || b.kind !== 'bool') return QUERY_UNDEFINED;
  const result = op === 'and' ? and3(a.value as Bool3, b.value as Bool3) : or3(a.value as Bool3, b.value as Bool3);
  return toQueryValue('bool', result);
}

/** QueryValue ! : negates a bool, anything else is undefined. */
export function queryNot(a: QueryValue): QueryValue {
  return a.kind === 'bool' ? queryValue('bool', not3(a.value as Bool3)) : QUERY_UNDEFINED;
}

/** The JavaScript view of a typed value (for callers and tests): undefined for every flavour of undefined. */
export function exportValue(type: ValueType, v: unknown): string | number | boolean | null | undefined {
  switch (type) {
    case 'string':
      return v === UNDEFINED_STRING ? undefined : (v as string | null);
    case 'number':
      return Number.isNaN(v) ? undefined : (v as number);
    case 'bool':
      return v === 0 ? undefined : v === TRUE;
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'queryValue': {
      const q = v as QueryValue;
      if (q.kind === 'none' || q.kind === 'object') return undefined;
      if (q.kind === 'bool') return q.value === TRUE;
      return q.value as string | number | null;
    }
  }
}
