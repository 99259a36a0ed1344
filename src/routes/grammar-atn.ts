// The route and condition grammars (edgeHub's Route.g4 and Condition.g4) as a small state
// network, in the shape ANTLR builds from them. It exists only so ll-predictor.ts can choose
// between grammar alternatives exactly as edgeHub's generated parser does: the condition grammar
// has deliberately ambiguous "syntax error" alternatives (`(a`, `f())`, `@ x`), and which one wins
// decides whether a route parses at all. The recursive-descent parsers do the real parsing.
//
// Left recursion in `expr` is written the way ANTLR rewrites it: a block of primary and prefix
// alternatives followed by a loop of binary operators. The loop's precedence predicates are left
// out: during lookahead ANTLR never evaluates them for the decisions we predict (they sit below the
// decision rule), so they always pass.
import { T } from './route-lexer.js';

export interface AtnTransition {
  kind: 'epsilon' | 'rule' | 'match';
  target: number;
  /** For rule transitions: the state the invoked rule returns to. */
  follow?: number;
  /** For match transitions: the token types accepted. */
  tokens?: ReadonlySet<number>;
}

export interface AtnState {
  id: number;
  isRuleStop: boolean;
  /** True when every transition is an epsilon or rule transition (and there is at least one). */
  epsilonOnly: boolean;
  transitions: AtnTransition[];
}

export interface Atn {
  states: AtnState[];
  /** Decision states by name; alternative n is the state's transition n-1. */
  decisions: ReadonlyMap<string, number>;
  /** Return (follow) state of each rule reference, by site name; parsers push these. */
  follows: ReadonlyMap<string, number>;
}

type Element =
  | { tok: T | readonly T[] }
  | { ref: string; site: string }
  | { block: readonly Element[][]; decision?: string }
  | { star: readonly Element[][]; decision?: string }
  | { optional: readonly Element[][] };

class AtnBuilder {
  private readonly states: { id: number; isRuleStop: boolean; transitions: AtnTransition[] }[] = [];
  private readonly ruleStart = new Map<string, number>();
  private readonly ruleStop = new Map<string, number>();
  private readonly refs: { state: number; rule: string; follow: number }[] = [];
  private readonly decisions = new Map<string, number>();
  private readonly follows = new Map<string, number>();

  private newState(isRuleStop = false): number {
    const id = this.states.length;
    this.states.push({ id, isRuleStop, transitions: [] });
    return id;
  }

  private add(from: number, transition: AtnTransition): void {
    this.states[from]!.transitions.push(transition);
  }

  rule(name: string, body: readonly Element[]): void {
    const start = this.newState();
    const stop = this.newState(true);
    this.ruleStart.set(name, start);
    this.ruleStop.set(name, stop);
    const end = this.sequence(start, body);
    this.add(end, { kind: 'epsilon', target: stop });
  }

  private sequence(from: number, elements: readonly Element[]): number {
    let current = from;
    for (const element of elements) current = this.element(current, element);
    return current;
  }

  private element(from: number, element: Element): number {
    if ('tok' in element) {
      const at = this.newState();
      const next = this.newState();
      this.add(from, { kind: 'epsilon', target: at });
      const tokens = new Set<number>(typeof element.tok === 'number' ? [element.tok] : element.tok);
      this.add(at, { kind: 'match', target: next, tokens });
      return next;
    }
    if ('ref' in element) {
      const at = this.newState();
      const follow = this.newState();
      this.add(from, { kind: 'epsilon', target: at });
      this.refs.push({ state: at, rule: element.ref, follow });
      this.follows.set(element.site, follow);
      return follow;
    }
    if ('block' in element) return this.block(from, element.block, element.decision);
    if ('optional' in element) return this.block(from, [...element.optional, []]);
    // (...)* : the entry state decides between entering the body (alt 1) and leaving (alt 2).
    const entry = this.newState();
    const exit = this.newState();
    this.add(from, { kind: 'epsilon', target: entry });
    const bodyStart = this.newState();
    this.add(entry, { kind: 'epsilon', target: bodyStart });
    this.add(entry, { kind: 'epsilon', target: exit });
    const bodyEnd = this.block(bodyStart, element.star, element.decision ? `${element.decision}.body` : undefined);
    this.add(bodyEnd, { kind: 'epsilon', target: entry });
    if (element.decision) this.decisions.set(element.decision, entry);
    return exit;
  }

  private block(from: number, alternatives: readonly Element[][], decision?: string): number {
    const start = this.newState();
    const end = this.newState();
    this.add(from, { kind: 'epsilon', target: start });
    for (const alternative of alternatives) {
      const altStart = this.newState();
      this.add(start, { kind: 'epsilon', target: altStart });
      this.add(this.sequence(altStart, alternative), { kind: 'epsilon', target: end });
    }
    if (decision) this.decisions.set(decision, start);
    return end;
  }

  build(): Atn {
    for (const ref of this.refs) {
      const start = this.ruleStart.get(ref.rule);
      const stop = this.ruleStop.get(ref.rule);
      if (start === undefined || stop === undefined) throw new Error(`grammar-atn: unknown rule ${ref.rule}`);
      this.add(ref.state, { kind: 'rule', target: start, follow: ref.follow });
      // A rule's stop state leads to every place that invokes it (ANTLR's global follow links).
      this.add(stop, { kind: 'epsilon', target: ref.follow });
    }
    const states: AtnState[] = this.states.map((s) => ({
      ...s,
      epsilonOnly: s.transitions.length > 0 && s.transitions.every((t) => t.kind !== 'match'),
    }));
    return { states, decisions: this.decisions, follows: this.follows };
  }
}

const tok = (t: T | readonly T[]): Element => ({ tok: t });
const ref = (rule: string, site: string): Element => ({ ref: rule, site });

function addConditionRules(b: AtnBuilder): void {
  b.rule('condition', [{ block: [[ref('expr', 'condition.expr')], [tok(T.EOF)]] }]);
  b.rule('expr', [
    {
      decision: 'expr.primary',
      block: [
        [ref('nested_expr', 'expr.nested')],
        [ref('literal', 'expr.literal')],
        [tok(T.SYS_PROP)],
        [tok(T.ID)],
        [tok(T.LBRACE), tok(T.SYS_PROP), tok(T.RBRACE)],
        [ref('fcall', 'expr.func')],
        [tok(T.MINUS), ref('expr', 'expr.negate')],
        [tok(T.NOT), ref('expr', 'expr.not')],
        [ref('syntax_error', 'expr.syntaxError')],
        [ref('syntax_error', 'expr.syntaxErrorUnary.symbol'), ref('expr', 'expr.syntaxErrorUnary.operand')],
        [ref('nested_expr', 'expr.extraParens'), tok(T.RPAREN)],
        [ref('fcall', 'expr.extraParensFunc'), tok(T.RPAREN)],
        [tok(T.LPAREN), ref('expr', 'expr.missingParen')],
      ],
    },
    {
      decision: 'expr.loop',
      star: [
        [tok([T.MUL, T.DIV, T.MOD]), ref('expr', 'expr.mulDivMod')],
        [tok([T.PLUS, T.MINUS, T.CONCAT]), ref('expr', 'expr.addSubConcat')],
        [tok([T.LT, T.LE, T.GT, T.GE]), ref('expr', 'expr.compare')],
        [tok([T.EQ, T.NE1, T.NE2]), ref('expr', 'expr.equality')],
        [tok(T.AND), ref('expr', 'expr.and')],
        [tok(T.OR), ref('expr', 'expr.or')],
        [tok(T.COALESCE), ref('expr', 'expr.coalesce')],
        [ref('syntax_error', 'expr.syntaxErrorBinary.symbol'), ref('expr', 'expr.syntaxErrorBinary.right')],
      ],
    },
  ]);
  b.rule('exprList', [ref('expr', 'exprList.first'), { star: [[tok(T.COMMA), ref('expr', 'exprList.next')]] }]);
  b.rule('fcall', [tok(T.ID), tok(T.LPAREN), { optional: [[ref('exprList', 'fcall.args')]] }, tok(T.RPAREN)]);
  b.rule('nested_expr', [tok(T.LPAREN), ref('expr', 'nested_expr.expr'), tok(T.RPAREN)]);
  b.rule('literal', [
    {
      block: [
        [tok([T.TRUE, T.FALSE])],
        [tok(T.STRING)],
        [tok(T.UNTERMINATED_STRING)],
        [tok(T.INTEGER_LITERAL)],
        [tok(T.HEX_INTEGER_LITERAL)],
        [tok(T.REAL_LITERAL)],
        [tok(T.NULL)],
        [tok(T.UNDEFINED)],
      ],
    },
  ]);
  b.rule('syntax_error', [tok(T.UNKNOWN_CHAR)]);
}

function routeAlternative(prefix: readonly Element[], n: number): Element[] {
  return [
    ...prefix,
    ref('source', `route.${n}.source`),
    { optional: [[tok(T.WHERE), ref('routecondition', `route.${n}.routecondition`)]] },
    tok(T.INTO),
    ref('sink', `route.${n}.sink`),
  ];
}

function addRouteRules(b: AtnBuilder): void {
  b.rule('route', [
    {
      block: [routeAlternative([tok(T.SELECT), tok(T.MUL), tok(T.FROM)], 1), routeAlternative([tok(T.FROM)], 2), [tok(T.EOF)]],
    },
  ]);
  b.rule('routecondition', [ref('condition', 'routecondition.condition')]);
  b.rule('source', [ref('path', 'source.path')]);
  b.rule('sink', [{ block: [[tok(T.SYS_PROP)], [tok(T.ID), tok(T.LPAREN), tok(T.STRING), tok(T.RPAREN)]] }]);
  b.rule('path', [
    {
      decision: 'path',
      block: [
        [tok(T.DIV), ref('item', 'path.1.item'), ref('path', 'path.1.path')],
        [tok(T.DIV), ref('item', 'path.2.item')],
      ],
    },
  ]);
  b.rule('item', [{ block: [[tok(T.MUL)], [tok(T.ID)]] }]);
}

/** The condition grammar alone: what edgeHub's RouteCompiler parses a WHERE text with. */
export const CONDITION_ATN: Atn = (() => {
  const b = new AtnBuilder();
  addConditionRules(b);
  return b.build();
})();

/** The route grammar (which embeds the condition grammar): what RouteFactory parses a route with. */
export const ROUTE_ATN: Atn = (() => {
  const b = new AtnBuilder();
  addRouteRules(b);
  addConditionRules(b);
  return b.build();
})();

export function decisionState(atn: Atn, name: string): number {
  const state = atn.decisions.get(name);
  if (state === undefined) throw new Error(`grammar-atn: unknown decision ${name}`);
  return state;
}

export function followState(atn: Atn, site: string): number {
  const state = atn.follows.get(site);
  if (state === undefined) throw new Error(`grammar-atn: unknown rule reference ${site}`);
  return state;
}
