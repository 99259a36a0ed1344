// Type-checks a WHERE condition and compiles it to a closure, following edgeHub's RouteCompiler
// (ConditionVisitor): every expression gets a static type, operators accept only certain type
// pairs (3 + '4' is a compile error, not a runtime one), and errors are reported in the order and
// at the tokens edgeHub reports them. A condition compiles once; its closure is then evaluated per
// message (see condition-evaluator.ts).
import { checkBodyPath } from './body-query.js';
import {
  BUILTIN_NAMES,
  BuiltinArgumentError,
  constant,
  describeSignatures,
  findBuiltin,
  prepareArguments,
  signatureMatches,
  typeName,
  type Builtin,
  type CompiledExpr,
} from './builtins.js';
import type { ConditionNode, Span } from './condition-ast.js';
import { parseCondition } from './condition-parser.js';
import { BodyReadError } from './message-body.js';
import type { PreparedMessage } from './route-message.js';
import {
  and3,
  compareBools,
  compareNulls,
  compareNumbers,
  compareQueryValues,
  compareStrings,
  FALSE,
  isDefined,
  NULL_VALUE,
  not3,
  numberArithmetic,
  or3,
  QUERY_UNDEFINED,
  queryArithmetic,
  queryLogic,
  queryNot,
  queryValueToBool,
  toQueryValue,
  TRUE,
  UNDEFINED_BOOL,
  UNDEFINED_STRING,
  UNDEFINED_VALUE,
  type Bool3,
  type CompareOp,
  type QueryValue,
  type StringValue,
  type ValueType,
} from './route-values.js';

export interface CompileOptions {
  /** Allow `$body.` queries (edgeHub: on). */
  bodyQuery?: boolean;
  /** Allow twin_change_includes (edgeHub: on, but see twinChangeSource). */
  twinChangeIncludes?: boolean;
  /**
   * The route's source is edgeHub's built-in twin-change source. Routes from a deployment never
   * are (RouteFactory gives them a custom source), so edgeHub rejects twin_change_includes in
   * them; edgeHub's unit tests compile such routes directly.
   */
  twinChangeSource?: boolean;
  /** Offset of the condition text inside a larger text (a route), added to reported offsets. */
  offset?: number;
}

export interface CompileError {
  message: string;
  /** 0-based offset and length of the token edgeHub blames (plus options.offset). */
  offset: number;
  length: number;
  category: 'syntax' | 'type' | 'function' | 'unsupported';
  /** The range edgeHub reports: 1-based line and column within the condition, end exclusive. */
  range: { start: { line: number; column: number }; end: { line: number; column: number } };
}

export interface CompiledCondition {
  readonly text: string;
  /** The static type of the whole expression before edgeHub converts it to a verdict. */
  readonly resultType: ValueType;
  /** The raw typed value (see route-values.ts for the representation of each type). */
  evaluateRaw(message: PreparedMessage): unknown;
}

export type CompileResult = { ok: true; condition: CompiledCondition } | { ok: false; errors: CompileError[] };

/** .NET threw while building the expression (not a RouteCompilationException); edgeHub still refuses the route. */
class UnsupportedExpression extends Error {
  constructor(readonly error: CompileError) {
    super(error.message);
  }
}

const UNDEFINED_EXPR: CompiledExpr = { type: 'undefined', evaluate: () => UNDEFINED_VALUE };
const BODY_PREFIX = '$body.';
const QUERY_COMPATIBLE: ReadonlySet<ValueType> = new Set(['null', 'number', 'string', 'bool']);

function asQuery(e: CompiledExpr): CompiledExpr {
  if (e.type === 'queryValue') return e;
  return { type: 'queryValue', evaluate: (m) => toQueryValue(e.type, e.evaluate(m)) };
}

class ConditionCompiler {
  readonly errors: CompileError[] = [];

  constructor(
    private readonly text: string,
    private readonly base: number,
    private readonly options: Required<Omit<CompileOptions, 'offset'>>,
  ) {}

  /** An error at a token, with edgeHub's range (its end column is capped at line length + 2). */
  error(span: Span, message: string, category: CompileError['category'], tokenTextLength = span.length): CompileError {
    const relative = span.offset - this.base;
    const before = this.text.slice(0, relative);
    const line = before.split('\n').length;
    const lineStart = before.lastIndexOf('\n') + 1;
    const column = relative - lineStart + 1;
    const lineText = (this.text.slice(lineStart).split('\n')[0] ?? '').replace(/\r$/, '');
    const endColumn = Math.min(column + tokenTextLength, lineText.length + 2);
    const error: CompileError = { message, offset: span.offset, length: span.length, category, range: { start: { line, column }, end: { line, column: endColumn } } };
    this.errors.push(error);
    return error;
  }

  private unsupported(span: Span, message: string): never {
    const error = this.error(span, message, 'unsupported');
    throw new UnsupportedExpression(error);
  }

  visit(node: ConditionNode): CompiledExpr {
    switch (node.kind) {
      case 'literal':
        return this.literal(node);
      case 'unterminatedString': {
        this.error(node.span, `Syntax error: unterminated string: the text from this ${node.raw[0]} runs to the end of the condition; add the closing ${node.raw[0]}.`, 'syntax');
        return constant('string', node.value);
      }
      case 'property':
        return { type: 'string', evaluate: (m) => stringProperty(m.appProperty(node.name)) };
      case 'systemProperty':
        return this.systemProperty(node.name, node.span);
      case 'escapedSystemProperty':
        return this.escapedSystemProperty(node.name, node.nameSpan);
      case 'call':
        return this.call(node);
      case 'group':
        return this.visit(node.expr);
      case 'unary':
        return node.op === '-' ? this.negate(node) : this.not(node);
      case 'binary':
        return this.binary(node);
      case 'invalidSymbol':
        this.error(node.symbolSpan, `Syntax error: invalid symbol '${node.symbol}'; remove it, or put it inside a quoted string.`, 'syntax');
        return UNDEFINED_EXPR;
      case 'extraParen':
        this.error(node.parenSpan, "Syntax error: unmatched closing ')'; remove it or add the matching '('.", 'syntax');
        return UNDEFINED_EXPR;
      case 'missingParen':
        this.error(node.parenSpan, "Syntax error: missing closing ')' for this '('; add it where the group ends.", 'syntax');
        return UNDEFINED_EXPR;
    }
  }

  private literal(node: Extract<ConditionNode, { kind: 'literal' }>): CompiledExpr {
    switch (node.literal) {
      case 'bool':
        return constant('bool', node.value ? TRUE : FALSE);
      case 'string':
        return constant('string', node.value);
      case 'number':
        return node.unparsable ? UNDEFINED_EXPR : constant('number', node.value);
      case 'null':
        return constant('null', NULL_VALUE);
      case 'undefined':
        return UNDEFINED_EXPR;
    }
  }

  /** `$body.<path>` as a query, when enabled: the compiled lookup, or undefined after an error. */
  private bodyQuery(name: string, span: Span): CompiledExpr | undefined {
    if (!name.toLowerCase().startsWith(BODY_PREFIX) || !this.options.bodyQuery) return undefined;
    const path = name.slice(BODY_PREFIX.length);
    const check = path === '' ? { ok: false as const, message: '$body query cannot be empty' } : checkBodyPath(path);
    if (!check.ok) {
      this.error(span, `Invalid $body query '${name}': ${check.message}`, 'function');
      return UNDEFINED_EXPR;
    }
    return {
      type: 'queryValue',
      evaluate: (m) => {
        try {
          const q = m.queryBody(path);
          return q.kind === 'object' ? QUERY_UNDEFINED : q;
        } catch (error) {
          if (error instanceof BodyReadError) return QUERY_UNDEFINED; // edgeHub logs and treats it as undefined
          throw error;
        }
      },
    };
  }

  private systemPropertyLookup(name: string): CompiledExpr {
    if (name.includes('[') || name.includes(']')) return UNDEFINED_EXPR;
    return { type: 'string', evaluate: (m) => stringProperty(m.systemProperty(name)) };
  }

  // `$name`: an application property spelled with the `$` wins; otherwise a body query (for
  // `$body.`) or the system property without the `$`.
  private systemProperty(name: string, span: Span): CompiledExpr {
    const query = this.bodyQuery(name, span);
    const isQuery = query !== undefined && query.type !== 'undefined';
    if (name.includes('[') || name.includes(']')) return query ?? UNDEFINED_EXPR;
    const alternative = isQuery ? query : this.systemPropertyLookup(name.slice(1));
    if (isQuery) {
      return {
        type: 'queryValue',
        evaluate: (m) => {
          const app = m.appProperty(name);
          return app === undefined ? alternative.evaluate(m) : toQueryValue('string', app);
        },
      };
    }
    return {
      type: 'string',
      evaluate: (m) => {
        const app = m.appProperty(name);
        return app === undefined ? alternative.evaluate(m) : app;
      },
    };
  }

  private escapedSystemProperty(name: string, span: Span): CompiledExpr {
    return this.bodyQuery(name, span) ?? this.systemPropertyLookup(name.slice(1));
  }

  private supported(builtin: Builtin | undefined): boolean {
    if (!builtin) return false;
    if (builtin.requiresFlag === 'twinChangeIncludes' && !this.options.twinChangeIncludes) return false;
    return !builtin.twinChangeSourceOnly || this.options.twinChangeSource;
  }

  private call(node: Extract<ConditionNode, { kind: 'call' }>): CompiledExpr {
    const builtin = findBuiltin(node.name);
    if (!builtin || !this.supported(builtin)) {
      let why = `Invalid built-in function '${node.name}'; the functions are ${BUILTIN_NAMES.filter((n) => n !== 'twin_change_includes').join(', ')}`;
      if (builtin?.requiresFlag === 'twinChangeIncludes' && !this.options.twinChangeIncludes) {
        why = `'${node.name}' is not enabled for this compilation`;
      } else if (builtin) {
        why = `edgeHub rejects '${node.name}' here: it only works on edgeHub's built-in twin change source, never on a route from a deployment`;
      }
      this.error(node.nameSpan, `${why}.`, 'function');
      return UNDEFINED_EXPR;
    }
    const args = builtin.takesText ? [constant('string', node.argsText)] : node.args.map((a) => this.visit(a));
    return this.invoke(builtin, node.name, node.nameSpan, args);
  }

  /** Builtin.Get: the first executor whose signature matches, or an argument error. */
  private invoke(builtin: Builtin, written: string, span: Span, args: CompiledExpr[]): CompiledExpr {
    const types = args.map((a) => a.type);
    let details: string | undefined;
    const executor = builtin.executors.find((e) => signatureMatches(e.signature, types, e.query));
    if (executor) {
      try {
        return executor.create(prepareArguments(executor, args));
      } catch (error) {
        if (!(error instanceof BuiltinArgumentError)) throw error;
        details = error.message;
      }
    }
    const call = `${written}(${types.map(typeName).join(', ')})`;
    const message = details
      ? `Invalid arguments to built-in function '${written}': ${details.replace(/\.$/, '')}.`
      : `Invalid arguments to built-in function '${written}': ${call}; it accepts ${describeSignatures(builtin)}.`;
    this.error(span, message, 'function');
    return UNDEFINED_EXPR;
  }

  private operandError(span: Span, op: string, given: ValueType[], expected: ValueType[]): void {
    const arity = given.length === 1 ? 'unary ' : 'binary ';
    const have = given.map((t) => `'${typeName(t)}'`).join(' and ');
    const want = expected.map((t) => `'${typeName(t)}'`).join(' and ');
    this.error(span, `Invalid operands to ${arity}operator '${op}': have ${have}, expected ${want}.${operandHint(op, given)}`, 'type');
  }

  private negate(node: Extract<ConditionNode, { kind: 'unary' }>): CompiledExpr {
    const operand = this.visit(node.operand);
    if (operand.type !== 'number' && operand.type !== 'queryValue') {
      this.operandError(node.opSpan, node.opText, [operand.type], ['number']);
      return UNDEFINED_EXPR;
    }
    if (operand.type === 'queryValue') this.unsupported(node.opSpan, "edgeHub cannot negate a $body value with '-' (the route fails to build); write 0 - $body.<path> instead.");
    return { type: 'number', evaluate: (m) => -(operand.evaluate(m) as number) };
  }

  private not(node: Extract<ConditionNode, { kind: 'unary' }>): CompiledExpr {
    const operand = this.visit(node.operand);
    const expected: ValueType = operand.type === 'null' ? 'null' : 'bool';
    if (!(operand.type === expected || (operand.type === 'queryValue' && QUERY_COMPATIBLE.has(expected)))) {
      this.operandError(node.opSpan, node.opText, [operand.type], [expected]);
      return UNDEFINED_EXPR;
    }
    if (operand.type === 'null') return constant('bool', TRUE);
    if (operand.type === 'queryValue') return { type: 'bool', evaluate: (m) => queryValueToBool(queryNot(operand.evaluate(m) as QueryValue)) };
    return { type: 'bool', evaluate: (m) => not3(operand.evaluate(m) as Bool3) };
  }

  private binary(node: Extract<ConditionNode, { kind: 'binary' }>): CompiledExpr {
    const left = this.visit(node.left);
    const right = this.visit(node.right);
    switch (node.op) {
      case '*':
      case '/':
      case '%':
      case '+':
      case '-':
        return this.arithmetic(node, node.op, left, right);
      case '||':
        if (!this.pairAccepted('string', left.type, right.type)) {
          this.operandError(node.opSpan, node.opText, [left.type, right.type], ['string', 'string']);
          return UNDEFINED_EXPR;
        }
        return this.invoke(findBuiltin('concat')!, node.opText, node.opSpan, unifyQuery(left, right));
      case '<':
      case '<=':
      case '>':
      case '>=':
      case '=':
      case '!=':
      case '<>':
        return this.comparison(node, node.op === '<>' ? '!=' : node.op, left, right);
      case 'and':
      case 'or':
        return this.logic(node, node.op, left, right);
      case '??':
        return this.coalesce(node, left, right);
    }
  }

  /** Args(expected, expected).Match([left, right], matchQueryValue: true). */
  private pairAccepted(expected: ValueType, left: ValueType, right: ValueType): boolean {
    const accepts = (t: ValueType, g: ValueType): boolean =>
      t === g || (g === 'queryValue' && QUERY_COMPATIBLE.has(t)) || (t === 'queryValue' && QUERY_COMPATIBLE.has(g));
    return accepts(expected, left) && accepts(expected, right);
  }

  private arithmetic(node: Extract<ConditionNode, { kind: 'binary' }>, op: '*' | '/' | '%' | '+' | '-', left: CompiledExpr, right: CompiledExpr): CompiledExpr {
    if (!this.pairAccepted('number', left.type, right.type)) {
      this.operandError(node.opSpan, node.opText, [left.type, right.type], ['number', 'number']);
      return UNDEFINED_EXPR;
    }
    if (left.type === 'queryValue' || right.type === 'queryValue') {
      if (op === '%') this.unsupported(node.opSpan, "edgeHub cannot apply '%' to a $body value (the route fails to build); convert it first, e.g. as_number($body...) % 2.");
      const [l, r] = unifyQuery(left, right);
      return { type: 'queryValue', evaluate: (m) => queryArithmetic(op, l!.evaluate(m) as QueryValue, r!.evaluate(m) as QueryValue) };
    }
    return { type: 'number', evaluate: (m) => numberArithmetic(op, left.evaluate(m) as number, right.evaluate(m) as number) };
  }

  private comparison(node: Extract<ConditionNode, { kind: 'binary' }>, op: CompareOp, left: CompiledExpr, right: CompiledExpr): CompiledExpr {
    if (!this.pairAccepted(left.type, left.type, right.type)) {
      this.operandError(node.opSpan, node.opText, [left.type, right.type], [left.type, left.type]);
      return UNDEFINED_EXPR;
    }
    const [l, r] = unifyQuery(left, right) as [CompiledExpr, CompiledExpr];
    switch (l.type) {
      case 'queryValue':
        return { type: 'bool', evaluate: (m) => compareQueryValues(op, l.evaluate(m) as QueryValue, r.evaluate(m) as QueryValue) };
      case 'string':
        return { type: 'bool', evaluate: (m) => compareStrings(op, l.evaluate(m) as StringValue, r.evaluate(m) as StringValue) };
      case 'number':
        return { type: 'bool', evaluate: (m) => compareNumbers(op, l.evaluate(m) as number, r.evaluate(m) as number) };
      case 'bool':
        return { type: 'bool', evaluate: (m) => compareBools(op, l.evaluate(m) as Bool3, r.evaluate(m) as Bool3) };
      case 'null':
        return constant('bool', compareNulls(op));
      case 'undefined':
        return constant('bool', UNDEFINED_BOOL);
    }
  }

  private logic(node: Extract<ConditionNode, { kind: 'binary' }>, op: 'and' | 'or', left: CompiledExpr, right: CompiledExpr): CompiledExpr {
    const logical: ReadonlySet<ValueType> = new Set(['null', 'bool', 'undefined']);
    // edgeHub tests the right operand against the left's type for query values: `$body.x AND 'a'`
    // compiles, `true AND $body.x` does not.
    const valid = (logical.has(left.type) || left.type === 'queryValue') && (logical.has(right.type) || left.type === 'queryValue');
    if (!valid) {
      this.operandError(node.opSpan, node.opText, [left.type, right.type], ['bool', 'bool']);
      return UNDEFINED_EXPR;
    }
    const nullResult = op === 'and' ? left.type === 'null' || right.type === 'null' : left.type === 'null' && right.type === 'null';
    const [l, r] = unifyQuery(left, right) as [CompiledExpr, CompiledExpr];
    const pair = `${l.type},${r.type}`;
    if (pair === 'queryValue,queryValue') {
      if (nullResult) this.unsupported(node.opSpan, `edgeHub cannot combine a $body value with null using '${node.opText}' (the route fails to build); compare the value with = null instead.`);
      return { type: 'bool', evaluate: (m) => queryValueToBool(queryLogic(op, l.evaluate(m) as QueryValue, r.evaluate(m) as QueryValue)) };
    }
    if (pair === 'null,undefined' || pair === 'undefined,null') {
      this.unsupported(node.opSpan, `edgeHub cannot combine null and undefined with '${node.opText}' (the route fails to build); remove one of them.`);
    }
    if (nullResult) {
      // Null & x is null; null | null is null. Either way the verdict is false.
      return constant('null', NULL_VALUE);
    }
    if (l.type === 'null' || r.type === 'null') {
      // null | x gives x.
      const other = l.type === 'null' ? r : l;
      return other.type === 'bool' ? other : constant('bool', UNDEFINED_BOOL);
    }
    const combine = op === 'and' ? and3 : or3;
    const asBool = (e: CompiledExpr): ((m: PreparedMessage) => Bool3) => (e.type === 'undefined' ? () => UNDEFINED_BOOL : (m) => e.evaluate(m) as Bool3);
    const a = asBool(l);
    const b = asBool(r);
    return { type: 'bool', evaluate: (m) => combine(a(m), b(m)) };
  }

  private coalesce(node: Extract<ConditionNode, { kind: 'binary' }>, left: CompiledExpr, right: CompiledExpr): CompiledExpr {
    if (!this.pairAccepted(left.type, left.type, right.type)) {
      this.operandError(node.opSpan, node.opText, [left.type, right.type], [left.type, left.type]);
      return UNDEFINED_EXPR;
    }
    const [l, r] = unifyQuery(left, right) as [CompiledExpr, CompiledExpr];
    if (l.type === 'undefined') return r;
    return { type: l.type, evaluate: (m) => {
      const value = l.evaluate(m);
      return isDefined(l.type, value) ? value : r.evaluate(m);
    } };
  }
}

function stringProperty(value: string | null | undefined): StringValue {
  return value === undefined ? UNDEFINED_STRING : value;
}

/** edgeHub converts the other operand to a query value when one side is a $body value. */
function unifyQuery(left: CompiledExpr, right: CompiledExpr): CompiledExpr[] {
  if (left.type === 'queryValue' || right.type === 'queryValue') return [asQuery(left), asQuery(right)];
  return [left, right];
}

function operandHint(op: string, given: ValueType[]): string {
  const lower = op.toLowerCase();
  if (given.includes('string') && ['+', '-', '*', '/', '%', '<', '<=', '>', '>='].includes(lower) && given.includes('number')) {
    return ' Properties are strings: convert with as_number(property) to compare or calculate with numbers.';
  }
  if (lower === 'and' || lower === 'or' || lower === 'not') return ' Each side must be a condition (a comparison, a bool or a function like is_defined()).';
  if (given.includes('undefined')) return " 'undefined' cannot be combined with other types here.";
  if (given.length === 2 && given[0] !== given[1]) return ' Both sides must have the same type.';
  return '';
}

function resolveOptions(options: CompileOptions): Required<Omit<CompileOptions, 'offset'>> {
  return {
    bodyQuery: options.bodyQuery ?? true,
    twinChangeIncludes: options.twinChangeIncludes ?? true,
    twinChangeSource: options.twinChangeSource ?? false,
  };
}

/**
 * Compiles a WHERE condition as edgeHub does (flags default to edgeHub's: all on, custom source).
 * The result is either a compiled condition or every error, in edgeHub's order.
 */
export function compileCondition(text: string, options: CompileOptions = {}): CompileResult {
  const base = options.offset ?? 0;
  const compiler = new ConditionCompiler(text, base, resolveOptions(options));
  const parsed = parseCondition(text, base);
  if (!parsed.ok) {
    const atEnd = parsed.error.offset - base >= text.length;
    compiler.error(parsed.error, `Syntax error: ${parsed.error.message}`, 'syntax', atEnd ? '<EOF>'.length : parsed.error.length);
    return { ok: false, errors: compiler.errors };
  }
  let root: CompiledExpr;
  try {
    root = parsed.ast ? compiler.visit(parsed.ast) : UNDEFINED_EXPR;
  } catch (error) {
    if (error instanceof UnsupportedExpression) return { ok: false, errors: [error.error] };
    throw error;
  }
  if (compiler.errors.length > 0) return { ok: false, errors: compiler.errors };
  return { ok: true, condition: { text, resultType: root.type, evaluateRaw: (m) => root.evaluate(m) } };
}
