// The lexer tries each rule only where its first character can start it (route-lexer.ts): these
// cases pin the tokens where that dispatch could go wrong. The expectations were taken from the
// lexer that tried every rule at every position, which the conformance tests check against edgeHub.
import { describe, expect, it } from 'vitest';
import { lex, TokenType } from '../../src/routes/index.js';

const CASES: [string, string, [keyof typeof TokenType, string][]][] = [
  [
    'words: keywords and and/or/not in any case, literals in lower case only, longer identifiers win',
    'Undefined undefined nulls null NOT Or1 or',
    [
      ['ID', 'Undefined'],
      ['UNDEFINED', 'undefined'],
      ['ID', 'nulls'],
      ['NULL', 'null'],
      ['NOT', 'NOT'],
      ['ID', 'Or1'],
      ['OR', 'or'],
    ],
  ],
  [
    'numbers: hex, reals with exponents, and number-like identifiers',
    '0x1F 0X 0xg -2.5E-3 .5e 1e+ 3.',
    [
      ['HEX_INTEGER_LITERAL', '0x1F'],
      ['ID', '0X'],
      ['ID', '0xg'],
      ['REAL_LITERAL', '-2.5E-3'],
      ['ID', '.5e'],
      ['ID', '1e+'],
      ['ID', '3.'],
    ],
  ],
  [
    'strings: escapes, a bad escape, an unterminated string',
    '"a\\u00e9" "bad\\q" \'open',
    [
      ['STRING', '"a\\u00e9"'],
      ['UNTERMINATED_STRING', '"bad'],
      ['UNKNOWN_CHAR', '\\'],
      ['ID', 'q'],
      ['UNTERMINATED_STRING', '" \'open'],
    ],
  ],
  [
    'query paths and system properties',
    'a[0] $body.a[0] $ x$y',
    [
      ['QUERY_PATH', 'a[0]'],
      ['SYS_PROP', '$body.a[0]'],
      ['ID', '$'],
      ['ID', 'x$y'],
    ],
  ],
  [
    'identifiers beyond ASCII, which no keyword matches',
    'İnto Key ünï 😀x',
    [
      ['ID', 'İnto'],
      ['ID', 'Key'],
      ['ID', 'ünï'],
      ['ID', '😀x'],
    ],
  ],
  [
    'comments, closed and not',
    '/*c*/ /* open',
    [
      ['DIV', '/'],
      ['MUL', '*'],
      ['ID', 'open'],
    ],
  ],
  [
    'operators, and their first characters alone',
    '?? || != <> <= >= ! | ?',
    [
      ['COALESCE', '??'],
      ['CONCAT', '||'],
      ['NE1', '!='],
      ['NE2', '<>'],
      ['LE', '<='],
      ['GE', '>='],
      ['ID', '!'],
      ['ID', '|'],
      ['UNKNOWN_CHAR', '?'],
    ],
  ],
  [
    'a whole route',
    'SELECT * FROM /messages/modules/m1/outputs/* WHERE $body.t > 25 INTO BrokeredEndpoint("/modules/m2/inputs/i")',
    [
      ['SELECT', 'SELECT'],
      ['MUL', '*'],
      ['FROM', 'FROM'],
      ['DIV', '/'],
      ['ID', 'messages'],
      ['DIV', '/'],
      ['ID', 'modules'],
      ['DIV', '/'],
      ['ID', 'm1'],
      ['DIV', '/'],
      ['ID', 'outputs'],
      ['DIV', '/'],
      ['MUL', '*'],
      ['WHERE', 'WHERE'],
      ['SYS_PROP', '$body.t'],
      ['GT', '>'],
      ['INTEGER_LITERAL', '25'],
      ['INTO', 'INTO'],
      ['ID', 'BrokeredEndpoint'],
      ['LPAREN', '('],
      ['STRING', '"/modules/m2/inputs/i"'],
      ['RPAREN', ')'],
    ],
  ],
];

describe('lexer dispatch', () => {
  it.each(CASES)('%s', (_name, text, expected) => {
    const { tokens } = lex(text);
    expect(tokens.slice(0, -1).map((token) => [TokenType[token.type], token.text])).toEqual(expected);
    expect(tokens.at(-1)).toMatchObject({
      type: TokenType.EOF,
      offset: text.length,
    });
  });
});
