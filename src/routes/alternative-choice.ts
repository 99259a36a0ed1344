// How the condition parser picks between edgeHub's ambiguous alternatives: '(' (group, group
// with an extra ')', unclosed '('), ID '(' (property, call, call with an extra ')') and an unknown
// character (alone or before an operand).
//
// Two ways, tried in order:
// - WellFormedChoices takes the ordinary reading (a group, a call, `@` before an operand) with no
//   lookahead at all. When the whole text parses that way to its end, the result is exactly
//   ANTLR's: its full-context prediction picks the lowest-numbered alternative among those that
//   read the most text, the ordinary alternatives are the lowest-numbered ones that can read
//   anything, and SLL never decides before them while the ordinary reading is still alive.
// - PredictedChoices, used only when the first way stops early (a syntax error, an unmatched
//   parenthesis, text ANTLR would leave unread), reproduces ANTLR's prediction (ll-predictor.ts),
//   with the constructs the parser is inside as its full context.
import { Kind, type Frame } from './lookahead-threads.js';
import { type Decision, LookaheadBudget, type Prediction, Predictor } from './ll-predictor.js';
import { T, type Token } from './route-lexer.js';
import { LITERAL_TOKENS } from './token-classes.js';

export interface AlternativeChoices {
  choose(decision: Decision, index: number): Prediction;
  /** The parser enters a construct that needs a ')' (Group, GroupExtra, Args, ArgsExtra). */
  enter(kind: Kind): void;
  leave(): void;
}

/** Tokens that can start an operand, so `@` before them is edgeHub's `syntax_error expr`. */
const OPERAND_START = new Set<T>([
  ...LITERAL_TOKENS,
  T.SYS_PROP,
  T.ID,
  T.LBRACE,
  T.LPAREN,
  T.NOT,
]);

export class WellFormedChoices implements AlternativeChoices {
  constructor(private readonly tokens: readonly Token[]) {}

  choose(decision: Decision, index: number): Prediction {
    switch (decision) {
      case 'paren':
        return { ok: true, alt: 1 };
      case 'call':
        return { ok: true, alt: 6 };
      case 'unknown': {
        const next = this.tokens[Math.min(index + 1, this.tokens.length - 1)]!.type;
        return { ok: true, alt: OPERAND_START.has(next) ? 10 : 9 };
      }
    }
  }

  enter(): void {}

  leave(): void {}
}

export class PredictedChoices implements AlternativeChoices {
  private readonly predictor: Predictor;
  private context: Frame;

  constructor(
    tokens: readonly Token[],
    inRoute: boolean,
    readonly budget: LookaheadBudget = new LookaheadBudget(tokens.length),
  ) {
    this.predictor = new Predictor(tokens, inRoute, budget);
    this.context = this.predictor.table.bottom(inRoute ? Kind.Route : Kind.Top);
  }

  choose(decision: Decision, index: number): Prediction {
    return this.predictor.predict(decision, index, this.context);
  }

  enter(kind: Kind): void {
    this.context = this.predictor.table.push(this.context, kind);
  }

  leave(): void {
    this.context = this.context.parent!;
  }
}
