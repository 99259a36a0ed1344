// Public API of the route language: parse routes and conditions (positions for linters),
// compile conditions once and evaluate them per message (for a runtime router), and answer the
// questions edgeHub asks of a route (which messages it selects, whether its sink exists).
export { parseRoute } from './route-parser.js';
export type { ParsedRoute, RouteParseResult, RouteSink, RouteSyntaxError } from './route-parser.js';
export { parseCondition } from './condition-parser.js';
export type { ConditionParseResult, SyntaxProblem } from './condition-parser.js';
export type * from './condition-ast.js';
export { lex, T as TokenType } from './route-lexer.js';
export type { LexResult, Token } from './route-lexer.js';
export { compileCondition } from './condition-compiler.js';
export type { CompileError, CompileOptions, CompileResult, CompiledCondition } from './condition-compiler.js';
export { conditionMatches, evaluateCondition, evaluateExpression, queryMessageBody } from './condition-evaluator.js';
export type { BodyQueryResult, Verdict } from './condition-evaluator.js';
export { prepareMessage } from './route-message.js';
export type { PreparedMessage, PropertyBag, RouteMessage } from './route-message.js';
export { checkBodyPath, checkTwinChangePath } from './body-query.js';
export type { PathCheck } from './body-query.js';
export { isTelemetrySource, messageSourceFromSystemProperties, normalizeRouteSource, sourceMatches, compileSourceMatcher } from './source-match.js';
export type { SourceMatchOptions } from './source-match.js';
export { checkFunctionEndpoint, checkSystemEndpoint, moduleEndpointId } from './endpoint.js';
export type { EndpointCheck } from './endpoint.js';
export { compileRoute } from './compiled-route.js';
export type { CompiledRoute, RouteCompileResult } from './compiled-route.js';
export { BUILTIN_NAMES } from './builtins.js';
export type { ValueType } from './route-values.js';
