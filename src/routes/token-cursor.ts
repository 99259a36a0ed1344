// The token-stream position both parsers (route and condition) walk with: lookahead, consume,
// and expect-or-fail, where each parser raises its own failure type. It counts the tokens it
// is asked to look at, which tests use to check that parsing cost grows linearly.
import { T, type Token } from './route-lexer.js';

export abstract class TokenCursor {
  protected pos: number;
  /** How many times a token was looked at. */
  visits = 0;

  constructor(
    protected readonly tokens: readonly Token[],
    start = 0,
  ) {
    this.pos = start;
  }

  /** Index of the first token not consumed. */
  get position(): number {
    return this.pos;
  }

  protected la(k = 1): Token {
    this.visits++;
    return this.tokens[Math.min(this.pos + k - 1, this.tokens.length - 1)]!;
  }

  protected consume(): Token {
    const token = this.la();
    if (token.type !== T.EOF) this.pos++;
    return token;
  }

  protected expect(type: T, message: (found: Token) => string): Token {
    const token = this.la();
    if (token.type !== type) throw this.failure(token, message(token));
    return this.consume();
  }

  protected abstract failure(token: Token, message: string): Error;
}
