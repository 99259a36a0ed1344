// Parser for WHERE conditions, reproducing edgeHub's Condition.g4 parser: operator precedence
// (tightest first: NOT and unary minus; * / %; + - ||; < <= > >=; = != <>; AND; OR; ??), its error
// alternatives, and ANTLR's habit of stopping silently when the rest of the text does not fit
// (`true false` is just `true`). Where the grammar is ambiguous, alternative-choice.ts picks the
// alternative: without lookahead for a well-formed condition, with ANTLR's prediction otherwise.
// The cost is linear in the length of the text. The same class parses the WHERE part of a route
// (with the route's context), which decides whether the route parses at all.
import type {
  BinaryOperator,
  CallNode,
  ConditionNode,
  GrammarSurprise,
  GroupNode,
  LiteralNode,
  Span,
  UnterminatedStringNode,
} from './condition-ast.js';
import { type AlternativeChoices, PredictedChoices, WellFormedChoices } from './alternative-choice.js';
import { parseDecimalLiteral, parseHexLiteral, unescapeStringLiteral } from './dotnet-number.js';
import { LookaheadBudgetExceeded } from './ll-predictor.js';
import { Kind } from './lookahead-threads.js';
import { findExcessNesting, nestingMessage } from './nesting-limit.js';
import { describeToken, lex, T, type Token } from './route-lexer.js';
import { LITERAL_TOKENS } from './token-classes.js';
import { TokenCursor } from './token-cursor.js';

export interface SyntaxProblem {
  message: string;
  /** 0-based offset of the offending token. */
  offset: number;
  /** Length of the offending token (0 at the end of the text). */
  length: number;
}

export type ConditionParseResult =
  | {
      ok: true;
      /** null for an empty condition (edgeHub evaluates it as undefined). */
      ast: ConditionNode | null;
      /** Text after the expression that edgeHub silently ignores (`true false` keeps `true`). */
      trailingText?: { text: string; offset: number };
      surprises: GrammarSurprise[];
    }
  | { ok: false; error: SyntaxProblem; surprises: GrammarSurprise[] };

/** Thrown inside the parser at the first syntax error: edgeHub rejects the text at that point. */
export class ParseFailure extends Error {
  constructor(
    readonly token: Token,
    message: string,
  ) {
    super(message);
  }
}

const BINARY: ReadonlyMap<T, { precedence: number; op: BinaryOperator }> = new Map([
  [T.MUL, { precedence: 13, op: '*' }],
  [T.DIV, { precedence: 13, op: '/' }],
  [T.MOD, { precedence: 13, op: '%' }],
  [T.PLUS, { precedence: 12, op: '+' }],
  [T.MINUS, { precedence: 12, op: '-' }],
  [T.CONCAT, { precedence: 12, op: '||' }],
  [T.LT, { precedence: 11, op: '<' }],
  [T.LE, { precedence: 11, op: '<=' }],
  [T.GT, { precedence: 11, op: '>' }],
  [T.GE, { precedence: 11, op: '>=' }],
  [T.EQ, { precedence: 10, op: '=' }],
  [T.NE1, { precedence: 10, op: '!=' }],
  [T.NE2, { precedence: 10, op: '<>' }],
  [T.AND, { precedence: 9, op: 'and' }],
  [T.OR, { precedence: 8, op: 'or' }],
  [T.COALESCE, { precedence: 7, op: '??' }],
]);
/** An unknown character between two expressions binds looser than every operator. */
const INVALID_SYMBOL_PRECEDENCE = 4;

const EXPR_START = new Set([...LITERAL_TOKENS, T.LPAREN, T.SYS_PROP, T.ID, T.LBRACE, T.MINUS, T.NOT, T.UNKNOWN_CHAR]);

/**
 * Parses a token stream from a start index; used for standalone conditions and inside routes.
 * Precedence climbing: each call reads one operand and then every operator that binds at least
 * as tightly as `precedence`, so the work per token is constant apart from the choices below.
 */
export class ConditionTokenParser extends TokenCursor {
  constructor(
    tokens: readonly Token[],
    start: number,
    private readonly choices: AlternativeChoices,
  ) {
    super(tokens, start);
  }

  protected failure(token: Token, message: string): Error {
    return new ParseFailure(token, message);
  }

  private spanFrom(startToken: Token): Span {
    const last = this.tokens[this.pos - 1]!;
    return { offset: startToken.offset, length: Math.max(0, last.end - startToken.offset) };
  }

  /** condition : expr | EOF. */
  parseCondition(): ConditionNode | null {
    const token = this.la();
    if (token.type === T.EOF) return null;
    if (!EXPR_START.has(token.type)) throw new ParseFailure(token, missingValueMessage(token));
    return this.expr(0);
  }

  // The operator loop needs no lookahead: ANTLR's precedence filter makes it continue exactly
  // when the next token is a binary operator (or an unknown character) whose precedence is at
  // least `precedence`, and stop otherwise.
  private expr(precedence: number): ConditionNode {
    const start = this.la();
    let node = this.primary(this.choosePrimary());
    for (;;) {
      const token = this.la();
      if (token.type === T.UNKNOWN_CHAR && INVALID_SYMBOL_PRECEDENCE >= precedence) {
        this.consume();
        const right = this.expr(INVALID_SYMBOL_PRECEDENCE + 1);
        node = { kind: 'invalidSymbol', span: this.spanFrom(start), symbol: token.text, symbolSpan: spanOf(token), left: node, right };
        continue;
      }
      const binary = BINARY.get(token.type);
      if (!binary || binary.precedence < precedence) return node;
      this.consume();
      const right = this.expr(binary.precedence + 1);
      node = { kind: 'binary', span: this.spanFrom(start), op: binary.op, opText: token.text, opSpan: spanOf(token), left: node, right };
    }
  }

  /** The alternative of `expr`'s primary block, numbered as in Condition.g4 (see primary()). */
  private choosePrimary(): number {
    const token = this.la();
    if (LITERAL_TOKENS.has(token.type)) return 2;
    let decision: 'paren' | 'call' | 'unknown';
    switch (token.type) {
      case T.SYS_PROP:
        return 3;
      case T.LBRACE:
        return 5;
      case T.MINUS:
        return 7;
      case T.NOT:
        return 8;
      case T.ID:
        if (this.la(2).type !== T.LPAREN) return 4;
        decision = 'call';
        break;
      case T.LPAREN:
        decision = 'paren';
        break;
      case T.UNKNOWN_CHAR:
        decision = 'unknown';
        break;
      default:
        throw new ParseFailure(token, missingValueMessage(token));
    }
    const prediction = this.choices.choose(decision, this.pos);
    if (!prediction.ok) {
      const at = this.tokens[prediction.errorIndex]!;
      throw new ParseFailure(at, missingValueMessage(at, at === token));
    }
    return prediction.alt;
  }

  private primary(alt: number): ConditionNode {
    const start = this.la();
    switch (alt) {
      case 1:
        return this.group(Kind.Group);
      case 2:
        return this.literal();
      case 3:
        this.consume();
        return { kind: 'systemProperty', span: spanOf(start), name: start.text };
      case 4:
        this.consume();
        return { kind: 'property', span: spanOf(start), name: start.text };
      case 5: {
        this.consume();
        const name = this.expect(T.SYS_PROP, (found) => `Braces can only wrap a $-property such as {$connectionDeviceId}, but found ${describeToken(found)}; remove the braces or add the '$'.`);
        this.expect(T.RBRACE, (found) => `Expected '}' after ${name.text}, but found ${describeToken(found)}; close the braces.`);
        return { kind: 'escapedSystemProperty', span: this.spanFrom(start), name: name.text, nameSpan: spanOf(name) };
      }
      case 6:
        return this.call(Kind.Args);
      case 7:
      case 8: {
        const op = this.consume();
        const operand = alt === 7 ? this.expr(15) : this.expr(14);
        return { kind: 'unary', span: this.spanFrom(start), op: alt === 7 ? '-' : 'not', opText: op.text, opSpan: spanOf(op), operand };
      }
      case 9:
        this.consume();
        return { kind: 'invalidSymbol', span: spanOf(start), symbol: start.text, symbolSpan: spanOf(start) };
      case 10: {
        this.consume();
        const right = this.expr(5);
        return { kind: 'invalidSymbol', span: this.spanFrom(start), symbol: start.text, symbolSpan: spanOf(start), right };
      }
      case 11:
      case 12: {
        const inner = alt === 11 ? this.group(Kind.GroupExtra) : this.call(Kind.ArgsExtra);
        const paren = this.expect(T.RPAREN, (found) => `Expected ')' but found ${describeToken(found)}.`); // lookahead saw it
        return { kind: 'extraParen', span: this.spanFrom(start), inner, parenSpan: spanOf(paren) };
      }
      default: {
        this.consume();
        const inner = this.expr(1);
        return { kind: 'missingParen', span: this.spanFrom(start), parenSpan: spanOf(start), inner };
      }
    }
  }

  private group(kind: Kind.Group | Kind.GroupExtra): GroupNode {
    const open = this.consume();
    this.choices.enter(kind);
    const expr = this.expr(0);
    this.expect(T.RPAREN, (found) => closeParenMessage(open, found));
    this.choices.leave();
    return { kind: 'group', span: this.spanFrom(open), expr };
  }

  private call(kind: Kind.Args | Kind.ArgsExtra): CallNode {
    const name = this.consume();
    const open = this.expect(T.LPAREN, (found) => `Expected '(' after ${name.text}, but found ${describeToken(found)}.`);
    this.choices.enter(kind);
    const args: ConditionNode[] = [];
    const argsStart = this.pos;
    if (EXPR_START.has(this.la().type)) {
      args.push(this.expr(0));
      while (this.la().type === T.COMMA) {
        this.consume();
        args.push(this.expr(0));
      }
    }
    const argsText = this.tokens
      .slice(argsStart, this.pos)
      .map((t) => t.text)
      .join('');
    this.expect(T.RPAREN, (found) =>
      found.type === T.COMMA
        ? `A function argument is missing before ${describeToken(found)} in the call to ${name.text}; remove the extra comma.`
        : closeParenMessage(open, found),
    );
    this.choices.leave();
    return { kind: 'call', span: this.spanFrom(name), name: name.text, nameSpan: spanOf(name), args, argsText };
  }

  private literal(): LiteralNode | UnterminatedStringNode {
    const token = this.consume();
    const span = spanOf(token);
    const raw = token.text;
    switch (token.type) {
      case T.TRUE:
      case T.FALSE:
        return { kind: 'literal', span, literal: 'bool', value: token.type === T.TRUE, raw };
      case T.STRING:
        return { kind: 'literal', span, literal: 'string', value: unescapeStringLiteral(raw.slice(1, -1)), raw };
      case T.UNTERMINATED_STRING:
        return { kind: 'unterminatedString', span, value: unescapeStringLiteral(raw.slice(1)), raw };
      case T.NULL:
        return { kind: 'literal', span, literal: 'null', value: null, raw };
      case T.UNDEFINED:
        return { kind: 'literal', span, literal: 'undefined', value: null, raw };
      default: {
        const value = token.type === T.HEX_INTEGER_LITERAL ? parseHexLiteral(raw) : parseDecimalLiteral(raw);
        const node: LiteralNode = { kind: 'literal', span, literal: 'number', value, raw };
        if (Number.isNaN(value)) node.unparsable = true;
        return node;
      }
    }
  }
}

export function spanOf(token: Token): Span {
  return { offset: token.offset, length: token.end - token.offset };
}

/** Why no alternative fits `found`; `atValueStart` is false when lookahead failed further on. */
function missingValueMessage(found: Token, atValueStart = true): string {
  switch (found.type) {
    case T.EOF:
      return atValueStart
        ? 'The condition is incomplete: a value is missing at the end; finish the expression.'
        : "The condition ends too early: a closing ')' or an operand is missing; complete the expression.";
    case T.EQ:
      return "A value is missing before '='; compare with a single '=' (there is no '==' operator).";
    case T.SELECT:
    case T.FROM:
    case T.WHERE:
    case T.INTO:
      return `${describeToken(found)} is a route keyword, but a value was expected here; finish the condition before it.`;
    case T.QUERY_PATH:
      return `Square brackets are only allowed in a $body path (like $body.values[0]), so ${describeToken(found)} cannot be read here.`;
    case T.RPAREN:
      return "A value is missing before ')'; put an expression inside the parentheses or remove them.";
    case T.COMMA:
      return "A value is missing before ','; remove the extra comma or add the missing argument.";
    default:
      return atValueStart
        ? `A value (a literal, a property, a function call or '(') was expected here, but found ${describeToken(found)}.`
        : `Unexpected ${describeToken(found)}: the expression before it is incomplete or a parenthesis is unbalanced; fix the expression.`;
  }
}

function closeParenMessage(open: Token, found: Token): string {
  return `Expected ')' to close the '(' at offset ${open.offset}, but found ${describeToken(found)}; add the missing ')'.`;
}

const OPERATOR_CHARS = /[+\-*|!'%&]/g;
const LITERAL_WORDS = new Set(['true', 'false', 'null', 'undefined']);

/** Legal-but-surprising token shapes in a condition, for linters to explain. */
export function conditionSurprises(tokens: readonly Token[], from: number, to: number): GrammarSurprise[] {
  const surprises: GrammarSurprise[] = [];
  for (let i = from; i < to; i++) {
    const token = tokens[i]!;
    const at = { offset: token.offset, length: token.end - token.offset, text: token.text };
    if (token.type === T.ID) {
      if (LITERAL_WORDS.has(token.text.toLowerCase())) {
        surprises.push({
          ...at,
          code: 'capitalized-literal',
          explanation: `'${token.text}' is an application property name, not the literal '${token.text.toLowerCase()}': literals are lower-case only.`,
        });
      }
      const operators = [...new Set(token.text.match(OPERATOR_CHARS) ?? [])];
      if (operators.length > 0) {
        surprises.push({
          ...at,
          code: 'operator-in-identifier',
          explanation: `'${token.text}' is read as one property name because ${operators.map((o) => `'${o}'`).join(', ')} can be part of a name; put spaces around operators.`,
        });
      }
    } else if ((token.type === T.REAL_LITERAL || token.type === T.HEX_INTEGER_LITERAL) && Number.isNaN(token.type === T.REAL_LITERAL ? parseDecimalLiteral(token.text) : parseHexLiteral(token.text))) {
      surprises.push({
        ...at,
        code: 'unparsable-number',
        explanation: `'${token.text}' is read as a number but edgeHub cannot convert it, so its value is undefined.`,
      });
    }
  }
  return surprises;
}

/** The work one parse did, for tests and the benchmark: it should grow linearly with the text. */
export interface ParseCost {
  /** Tokens the parser looked at, over every attempt. */
  tokenVisits: number;
  /** Steps of ANTLR-style lookahead (zero for a well-formed condition). */
  lookaheadSteps: number;
}

/** Where a parse with ordinary choices stopped, when it did not read the whole text. */
export interface IncompleteParse {
  offset: number;
  length: number;
  message: string;
}

/**
 * Parses a WHERE condition as edgeHub's RouteCompiler does. `offset` shifts every reported
 * position (pass the condition's offset in the route to get route positions). `cost`, if given,
 * receives the work done.
 */
export function parseCondition(text: string, offset = 0, cost: ParseCost = { tokenVisits: 0, lookaheadSteps: 0 }): ConditionParseResult {
  const tokens = lex(text).tokens.map((t) => (offset === 0 ? t : { ...t, offset: t.offset + offset, end: t.end + offset }));
  const tooDeep = findExcessNesting(tokens);
  if (tooDeep) return { ok: false, error: { message: nestingMessage(), offset: tooDeep.offset, length: 1 }, surprises: [] };
  // Ordinary choices first; only a condition that does not parse that way to its end needs
  // ANTLR's lookahead (see alternative-choice.ts).
  const wellFormed = parseTokens(text, offset, tokens, new WellFormedChoices(tokens), cost);
  if (wellFormed.ok && !wellFormed.trailingText) return wellFormed;
  const predicted = new PredictedChoices(tokens, false);
  try {
    return parseTokens(text, offset, tokens, predicted, cost);
  } catch (error) {
    if (!(error instanceof LookaheadBudgetExceeded)) throw error;
    return { ok: false, error: tooComplexProblem(incompleteAt(wellFormed)), surprises: conditionSurprises(tokens, 0, tokens.length - 1) };
  } finally {
    cost.lookaheadSteps += predicted.budget.spent;
  }
}

function parseTokens(text: string, offset: number, tokens: readonly Token[], choices: AlternativeChoices, cost: ParseCost): ConditionParseResult {
  const parser = new ConditionTokenParser(tokens, 0, choices);
  let ast: ConditionNode | null;
  try {
    ast = parser.parseCondition();
  } catch (error) {
    if (!(error instanceof ParseFailure)) throw error;
    return {
      ok: false,
      error: { message: error.message, offset: error.token.offset, length: error.token.end - error.token.offset },
      surprises: conditionSurprises(tokens, 0, tokens.length - 1),
    };
  } finally {
    cost.tokenVisits += parser.visits;
  }
  const end = parser.position;
  const surprises = conditionSurprises(tokens, 0, end);
  const result: ConditionParseResult = { ok: true, ast, surprises };
  if (tokens[end]!.type !== T.EOF) {
    const first = tokens[end]!;
    const last = tokens[tokens.length - 2]!;
    const trailing = text.slice(first.offset - offset, last.end - offset);
    result.trailingText = { text: trailing, offset: first.offset };
    surprises.push({
      code: 'ignored-trailing-text',
      offset: first.offset,
      length: last.end - first.offset,
      text: trailing,
      explanation: `edgeHub stops reading the condition before '${trailing}' and ignores the rest.`,
    });
  }
  return result;
}

function incompleteAt(result: ConditionParseResult): IncompleteParse {
  if (!result.ok) return result.error;
  const trailing = result.trailingText!;
  return { offset: trailing.offset, length: trailing.text.length, message: `The expression seems to end before '${trailing.text}'.` };
}

/**
 * The refusal when edgeHub's error recovery would take too long to reproduce (see
 * LookaheadBudget): it points at the first place the condition stops being well formed.
 */
export function tooComplexProblem(at: IncompleteParse): SyntaxProblem {
  return {
    offset: at.offset,
    length: at.length,
    message: `${at.message.replace(/\.$/, '')}. The condition is too large for edgewise to work out how edgeHub's parser recovers from this, so it is not checked further; fix this first.`,
  };
}
