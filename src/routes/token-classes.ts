// Token classes that the parser and both lookahead paths agree on: one list, so the fast
// reading and ANTLR's replayed prediction can never disagree about what a literal is.
import { T } from './route-lexer.js';

/** Tokens of the grammar's literal rule. */
export const LITERAL_TOKENS: ReadonlySet<T> = new Set<T>([
  T.TRUE,
  T.FALSE,
  T.STRING,
  T.UNTERMINATED_STRING,
  T.INTEGER_LITERAL,
  T.HEX_INTEGER_LITERAL,
  T.REAL_LITERAL,
  T.NULL,
  T.UNDEFINED,
]);
