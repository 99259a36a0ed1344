// Parses a route string the way edgeHub's RouteFactory does and reports what the runtime would
// use: the source text (path tokens joined, so spaces and comments inside it vanish), the raw
// WHERE text (or "true"), and the sink. Like edgeHub's grammar, the route rule does not end at the
// end of the text: anything after the sink is silently dropped, including a WHERE written after
// INTO. The parse keeps that text and its offset so a linter can flag it.
import type { ConditionNode, GrammarSurprise, Span } from './condition-ast.js';
import { type AlternativeChoices, PredictedChoices, WellFormedChoices } from './alternative-choice.js';
import { ConditionTokenParser, ParseFailure, parseCondition, spanOf, tooComplexProblem, type SyntaxProblem } from './condition-parser.js';
import { LookaheadBudgetExceeded } from './ll-predictor.js';
import { describeToken, lex, T, type Token } from './route-lexer.js';
import { findExcessNesting, nestingMessage } from './nesting-limit.js';
import { normalizeRouteSource } from './source-match.js';
import { TokenCursor } from './token-cursor.js';

export type RouteSink =
  | { kind: 'upstream'; name: string; span: Span }
  /** Another `$name`: the grammar accepts it, edgeHub's endpoint factory does not. */
  | { kind: 'system'; name: string; span: Span }
  | {
      kind: 'function';
      /** The function as written (edgeHub only accepts BrokeredEndpoint, in any case). */
      name: string;
      /** The text between the quotes, not unescaped (edgeHub keeps backslashes). */
      address: string;
      quote: '"' | "'";
      span: Span;
      nameSpan: Span;
      addressSpan: Span;
    };

export interface ParsedRoute {
  /** True when the route starts with SELECT *. */
  select: boolean;
  /** The source as edgeHub reads it: the path tokens joined without spaces or comments. */
  source: string;
  /** The prefix edgeHub matches message sources against (see source-match.ts). */
  sourceNormalized: string;
  sourceSpan: Span;
  /** Syntax tree of the WHERE condition, or null without WHERE (or if it cannot be parsed on its own). */
  condition: ConditionNode | null;
  /** The raw text between WHERE and INTO, or "true" when there is no WHERE. */
  conditionText: string;
  conditionSpan: Span | null;
  /** Set when the WHERE text parses inside the route but not on its own (edgeHub then fails to compile it). */
  conditionSyntaxError?: SyntaxProblem;
  sink: RouteSink;
  /** Text after the sink, which edgeHub ignores. */
  trailingText?: { text: string; offset: number };
  /** Legal but surprising shapes (see GrammarSurprise), with route offsets. */
  surprises: GrammarSurprise[];
}

export interface RouteSyntaxError extends SyntaxProblem {
  /** 'empty': nothing but spaces or comments (edgeHub's parser accepts it, RouteFactory then fails). */
  /**
   * 'too-complex': nested past MAX_NESTING (see nesting-limit.ts), or malformed in a way whose
   * error recovery would take too long to reproduce (see LookaheadBudget in ll-predictor.ts).
   */
  kind: 'syntax' | 'empty' | 'too-complex';
}

export type RouteParseResult = { ok: true; route: ParsedRoute } | { ok: false; error: RouteSyntaxError };

class RouteFailure extends Error {
  constructor(
    readonly token: Token,
    message: string,
  ) {
    super(message);
  }
}

const RESERVED_SEGMENT = new Set([T.SELECT, T.FROM, T.WHERE, T.INTO, T.AND, T.OR, T.NOT, T.TRUE, T.FALSE, T.NULL, T.UNDEFINED]);
const NUMBER_SEGMENT = new Set([T.INTEGER_LITERAL, T.HEX_INTEGER_LITERAL, T.REAL_LITERAL]);
const SINK_HINT = '$upstream or BrokeredEndpoint("/modules/<module>/inputs/<input>")';

class RouteParser extends TokenCursor {
  private readonly surprises: GrammarSurprise[] = [];

  constructor(
    private readonly text: string,
    tokens: readonly Token[],
    private readonly choices: AlternativeChoices,
  ) {
    super(tokens);
  }

  protected failure(token: Token, message: string): Error {
    return new RouteFailure(token, message);
  }

  parse(): ParsedRoute {
    const first = this.la();
    let alternative: 1 | 2;
    if (first.type === T.SELECT) {
      alternative = 1;
      this.consume();
      this.expect(T.MUL, (found) => `edgeHub only supports SELECT *, but found ${describeToken(found)} after SELECT; write SELECT * FROM or just FROM.`);
      this.expect(T.FROM, (found) => `Expected FROM after SELECT *, but found ${describeToken(found)}.`);
    } else if (first.type === T.FROM) {
      alternative = 2;
      this.consume();
    } else {
      throw new RouteFailure(first, `A route must start with FROM (or SELECT * FROM), but it starts with ${describeToken(first)}.`);
    }

    const { source, sourceSpan } = this.source();

    let conditionSpan: Span | null = null;
    let conditionText = 'true';
    if (this.la().type === T.WHERE) {
      this.consume();
      conditionSpan = this.condition();
      conditionText = this.text.slice(conditionSpan.offset, conditionSpan.offset + conditionSpan.length);
      this.expect(T.INTO, (found) =>
        found.type === T.EOF
          ? 'The route ends after the WHERE condition; add INTO and a sink, like INTO $upstream.'
          : `Expected INTO after the WHERE condition, but found ${describeToken(found)}; check for a missing operator or quote before it.`,
      );
    } else {
      this.expect(T.INTO, (found) =>
        found.type === T.EOF
          ? 'The route ends after the source; add INTO and a sink, like INTO $upstream.'
          : `Expected WHERE or INTO after the source path, but found ${describeToken(found)}.`,
      );
    }

    const sink = this.sink();
    const route: ParsedRoute = {
      select: alternative === 1,
      source,
      sourceNormalized: normalizeRouteSource(source),
      sourceSpan,
      condition: null,
      conditionText,
      conditionSpan,
      sink,
      surprises: this.surprises,
    };
    const next = this.la();
    if (next.type !== T.EOF) {
      const last = this.tokens[this.tokens.length - 2]!;
      route.trailingText = { text: this.text.slice(next.offset, last.end), offset: next.offset };
    }
    if (conditionSpan) {
      const parsed = parseCondition(conditionText, conditionSpan.offset);
      this.surprises.push(...parsed.surprises);
      if (parsed.ok) route.condition = parsed.ast;
      else route.conditionSyntaxError = parsed.error;
    }
    return route;
  }

  /** path : '/' item path | '/' item ; item : '*' | ID. */
  private source(): { source: string; sourceSpan: Span } {
    const start = this.pos;
    for (;;) {
      this.expect(T.DIV, (found) => `Expected a source path starting with '/' after FROM (like /messages/*), but found ${describeToken(found)}.`);
      const item = this.la();
      if (item.type !== T.MUL && item.type !== T.ID) throw new RouteFailure(item, segmentMessage(item));
      this.consume();
      if (this.la().type !== T.DIV) break;
    }
    const pieces = this.tokens.slice(start, this.pos);
    const source = pieces.map((t) => t.text).join('');
    const sourceSpan = { offset: pieces[0]!.offset, length: pieces[pieces.length - 1]!.end - pieces[0]!.offset };
    this.sourceSurprises(pieces, source, sourceSpan);
    return { source, sourceSpan };
  }

  private sourceSurprises(pieces: readonly Token[], source: string, span: Span): void {
    const raw = this.text.slice(span.offset, span.offset + span.length);
    if (raw !== source) {
      this.surprises.push({
        code: 'space-inside-source',
        ...span,
        text: raw,
        explanation: `edgeHub joins the pieces of the source path, so '${raw}' is read as '${source}'.`,
      });
    }
    pieces.forEach((token, i) => {
      if (token.type === T.DIV) return;
      const last = i === pieces.length - 1;
      const at = { offset: token.offset, length: token.end - token.offset, text: token.text };
      const starIndex = token.text.indexOf('*');
      if (starIndex < 0) return;
      if (last && /^[^*]+\*+$/.test(token.text)) {
        const prefix = token.text.replace(/\*+$/, '');
        this.surprises.push({
          ...at,
          code: 'star-suffix-in-source',
          explanation: `'${token.text}' is not a wildcard on the name: edgeHub drops the '*' and matches the segment '${prefix}' exactly (and everything below it).`,
        });
      } else if (!last || token.text !== '*') {
        this.surprises.push({
          ...at,
          code: 'star-inside-source',
          explanation: `The '*' in '${token.text}' is kept literally (only a trailing '*' is dropped), so this source matches no real message.`,
        });
      }
    });
  }

  private condition(): Span {
    const start = this.pos;
    const first = this.la();
    if (first.type === T.INTO || first.type === T.EOF) {
      throw new RouteFailure(first, 'The WHERE condition is empty; write a condition after WHERE or remove WHERE.');
    }
    const parser = new ConditionTokenParser(this.tokens, start, this.choices);
    try {
      parser.parseCondition();
    } catch (error) {
      if (error instanceof ParseFailure) throw new RouteFailure(error.token, `In the WHERE condition, ${lowerFirst(error.message)}`);
      throw error;
    }
    this.pos = parser.position;
    const last = this.tokens[this.pos - 1]!;
    return { offset: first.offset, length: last.end - first.offset };
  }

  /** sink : SYS_PROP | ID '(' STRING ')'. */
  private sink(): RouteSink {
    const token = this.la();
    if (token.type === T.SYS_PROP) {
      this.consume();
      const span = spanOf(token);
      return token.text.toLowerCase() === '$upstream' ? { kind: 'upstream', name: token.text, span } : { kind: 'system', name: token.text, span };
    }
    if (token.type !== T.ID) {
      throw new RouteFailure(token, `Expected a sink after INTO (${SINK_HINT}), but found ${describeToken(token)}.`);
    }
    this.consume();
    this.expect(T.LPAREN, (found) => `Expected '(' after '${token.text}': a sink is ${SINK_HINT}, but found ${describeToken(found)}.`);
    const address = this.la();
    if (address.type === T.UNTERMINATED_STRING) {
      throw new RouteFailure(address, `The endpoint address starting with ${address.text[0]} is not closed; end it with the same quote.`);
    }
    if (address.type !== T.STRING) {
      throw new RouteFailure(address, `Expected a quoted address such as "/modules/<module>/inputs/<input>" inside ${token.text}( ), but found ${describeToken(address)}.`);
    }
    this.consume();
    const close = this.expect(T.RPAREN, (found) => `Expected ')' after the endpoint address, but found ${describeToken(found)}.`);
    return {
      kind: 'function',
      name: token.text,
      address: address.text.slice(1, -1),
      quote: address.text[0] as '"' | "'",
      span: { offset: token.offset, length: close.end - token.offset },
      nameSpan: spanOf(token),
      addressSpan: { offset: address.offset + 1, length: address.end - address.offset - 2 },
    };
  }
}

function lowerFirst(text: string): string {
  return /^[A-Z](?![A-Z])/.test(text) ? text[0]!.toLowerCase() + text.slice(1) : text;
}

function segmentMessage(found: Token): string {
  if (found.type === T.EOF) return "The source path ends with '/'; remove the trailing '/' or add a segment.";
  if (found.type === T.INTO || found.type === T.WHERE) return `Remove the trailing '/' before ${describeToken(found)}: edgeHub does not accept a source path ending in '/'.`;
  if (RESERVED_SEGMENT.has(found.type)) {
    return `${describeToken(found)} cannot be a source path segment: keywords (select, from, where, into, and, or, not) and true, false, null, undefined are reserved.`;
  }
  if (NUMBER_SEGMENT.has(found.type)) return `${describeToken(found)} cannot be a source path segment because it reads as a number; module and output names must not look like numbers.`;
  if (found.type === T.SYS_PROP) return `${describeToken(found)} cannot be a source path segment: a segment may not start with '$'.`;
  return `Expected a path segment (a name or '*') after '/', but found ${describeToken(found)}.`;
}

/** Parses a route (`[SELECT *] FROM <source> [WHERE <condition>] INTO <sink>`) as edgeHub does. */
export function parseRoute(text: string): RouteParseResult {
  const { tokens } = lex(text);
  if (tokens.length === 1) {
    return {
      ok: false,
      error: { kind: 'empty', message: 'The route is empty; write it as FROM <source> [WHERE <condition>] INTO <sink>.', offset: 0, length: text.length },
    };
  }
  const tooDeep = findExcessNesting(tokens);
  if (tooDeep) return { ok: false, error: { kind: 'too-complex', message: nestingMessage(), offset: tooDeep.offset, length: 1 } };
  // Ordinary choices first; only a route that does not parse that way needs ANTLR's lookahead
  // (see alternative-choice.ts).
  const wellFormed = parseRouteTokens(text, tokens, new WellFormedChoices(tokens));
  if (wellFormed.ok) return wellFormed;
  try {
    return parseRouteTokens(text, tokens, new PredictedChoices(tokens, true));
  } catch (error) {
    if (!(error instanceof LookaheadBudgetExceeded)) throw error;
    return { ok: false, error: { kind: 'too-complex', ...tooComplexProblem(wellFormed.error) } };
  }
}

function parseRouteTokens(text: string, tokens: readonly Token[], choices: AlternativeChoices): RouteParseResult {
  try {
    return { ok: true, route: new RouteParser(text, tokens, choices).parse() };
  } catch (error) {
    if (!(error instanceof RouteFailure)) throw error;
    return {
      ok: false,
      error: { kind: 'syntax', message: error.message, offset: error.token.offset, length: error.token.end - error.token.offset },
    };
  }
}
