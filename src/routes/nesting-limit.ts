// A guard against pathological input: ANTLR-style lookahead over deeply nested parentheses
// grows exponentially (48 levels took 5.6 s here), so deeper conditions are refused instead of
// hanging the linter or the runtime. Real routes nest a handful of levels.
import { T, type Token } from './route-lexer.js';

export const MAX_NESTING = 24;

/** The first opening parenthesis past the limit, if any. */
export function findExcessNesting(tokens: readonly Token[]): Token | undefined {
  let depth = 0;
  for (const token of tokens) {
    if (token.type === T.LPAREN && ++depth > MAX_NESTING) return token;
    if (token.type === T.RPAREN) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

export function nestingMessage(): string {
  return `The condition nests parentheses more than ${MAX_NESTING} levels deep, which edgewise does not check (it would take too long); simplify it.`;
}
