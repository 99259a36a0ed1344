// The syntax tree of a WHERE condition, with 0-based offsets into the text it was parsed from
// (the route string, when the condition came from a route). It keeps edgeHub's error
// alternatives (`invalidSymbol`, `extraParen`, `missingParen`, `unterminatedString`) as nodes:
// edgeHub's parser accepts those shapes and only its compiler rejects them, so a route holding
// one still parses and a linter can point at the exact character.

export interface Span {
  offset: number;
  length: number;
}

export type BinaryOperator =
  | '*'
  | '/'
  | '%'
  | '+'
  | '-'
  | '||'
  | '<'
  | '<='
  | '>'
  | '>='
  | '='
  | '!='
  | '<>'
  | 'and'
  | 'or'
  | '??';

export interface LiteralNode {
  kind: 'literal';
  span: Span;
  literal: 'bool' | 'string' | 'number' | 'null' | 'undefined';
  /** bool: boolean; string: the unescaped text; number: the value (NaN when .NET cannot parse it). */
  value: boolean | string | number | null;
  raw: string;
  /** A number token .NET's parser rejects (`e5`, hex beyond 64 bits): edgeHub treats it as undefined. */
  unparsable?: boolean;
}

export interface UnterminatedStringNode {
  kind: 'unterminatedString';
  span: Span;
  value: string;
  raw: string;
}

/** A bare identifier: an application property (looked up ignoring case). */
export interface PropertyNode {
  kind: 'property';
  span: Span;
  name: string;
}

/** `$name`: an application property named `$name` if present, else system property `name`, or a `$body.` query. */
export interface SystemPropertyNode {
  kind: 'systemProperty';
  span: Span;
  /** Includes the leading `$`. */
  name: string;
}

/** `{$name}`: always the system property (or the `$body.` query), never an application property. */
export interface EscapedSystemPropertyNode {
  kind: 'escapedSystemProperty';
  span: Span;
  name: string;
  nameSpan: Span;
}

export interface CallNode {
  kind: 'call';
  span: Span;
  name: string;
  nameSpan: Span;
  args: ConditionNode[];
  /** The argument tokens joined without spaces: what twin_change_includes receives. */
  argsText: string;
}

export interface UnaryNode {
  kind: 'unary';
  span: Span;
  op: '-' | 'not';
  opText: string;
  opSpan: Span;
  operand: ConditionNode;
}

export interface BinaryNode {
  kind: 'binary';
  span: Span;
  op: BinaryOperator;
  opText: string;
  opSpan: Span;
  left: ConditionNode;
  right: ConditionNode;
}

/** `( expr )`. */
export interface GroupNode {
  kind: 'group';
  span: Span;
  expr: ConditionNode;
}

/** A character the grammar does not know (`@`, `;`, `:`, `\`, a lone `?`), alone, before or between expressions. */
export interface InvalidSymbolNode {
  kind: 'invalidSymbol';
  span: Span;
  symbol: string;
  symbolSpan: Span;
  left?: ConditionNode;
  right?: ConditionNode;
}

/** `(expr))` or `f(x))`: an unmatched closing parenthesis after a group or call. */
export interface ExtraParenNode {
  kind: 'extraParen';
  span: Span;
  inner: GroupNode | CallNode;
  parenSpan: Span;
}

/** `(expr` with no closing parenthesis. */
export interface MissingParenNode {
  kind: 'missingParen';
  span: Span;
  parenSpan: Span;
  inner: ConditionNode;
}

export type ConditionNode =
  | LiteralNode
  | UnterminatedStringNode
  | PropertyNode
  | SystemPropertyNode
  | EscapedSystemPropertyNode
  | CallNode
  | UnaryNode
  | BinaryNode
  | GroupNode
  | InvalidSymbolNode
  | ExtraParenNode
  | MissingParenNode;

/** Something legal but probably not what the author meant; data for lint rules to explain. */
export interface GrammarSurprise {
  code:
    | 'operator-in-identifier'
    | 'capitalized-literal'
    | 'unparsable-number'
    | 'ignored-trailing-text'
    | 'star-inside-source'
    | 'star-suffix-in-source'
    | 'space-inside-source';
  offset: number;
  length: number;
  text: string;
  /** One sentence saying what edgeHub does with it. */
  explanation: string;
}
