// How deeply a condition may nest. Parsing is linear in the length of the text, but the parser,
// and the compiler and evaluator after it, recurse once per level of the syntax tree, so the
// depth is bounded by what the call stack safely holds (the parser alone overflows Node's
// default stack at about 3,000 levels). Real routes nest a handful of levels.
//
// A level is an open parenthesis (of a group or a call) or a prefix operator (NOT, '-', or an
// unknown character such as '@'), which wraps what follows it until its operand ends.
import { T, type Token } from './route-lexer.js';

export const MAX_NESTING = 1000;

const PREFIX = new Set([T.NOT, T.MINUS, T.UNKNOWN_CHAR]);

/** The first token that opens a level past the limit, if any. */
export function findExcessNesting(tokens: readonly Token[]): Token | undefined {
  // Prefix operators stay open until the operand they apply to ends: right after a value, or,
  // when they apply to a parenthesis, at its ')'. A '-' that turns out to be binary only
  // counts until the next value, which keeps the estimate on the safe side.
  const prefixesBeforeParen: number[] = [];
  let prefixes = 0;
  let depth = 0;
  for (const token of tokens) {
    if (PREFIX.has(token.type)) {
      prefixes++;
      if (++depth > MAX_NESTING) return token;
    } else if (token.type === T.LPAREN) {
      prefixesBeforeParen.push(prefixes);
      prefixes = 0;
      if (++depth > MAX_NESTING) return token;
    } else if (token.type === T.RPAREN) {
      depth -= prefixes;
      prefixes = 0;
      if (prefixesBeforeParen.length > 0) depth -= 1 + prefixesBeforeParen.pop()!;
    } else {
      depth -= prefixes;
      prefixes = 0;
    }
  }
  return undefined;
}

export function nestingMessage(): string {
  return `The condition nests more than ${MAX_NESTING} levels deep (parentheses, and operators such as NOT or '-' applied to each other), which edgewise does not check: its parser goes one call deeper per level, and the call stack holds only so many. Flatten it, for example by combining the conditions with AND/OR at one level.`;
}
