// Evaluating compiled conditions against messages. edgeHub's verdict is three-valued: true,
// false or undefined (a missing property, a type mismatch at runtime, an unreadable body), and a
// route delivers a message only when its condition is true.
import type { CompiledCondition } from './condition-compiler.js';
import { BodyReadError } from './message-body.js';
import { prepareMessage, type PreparedMessage, type RouteMessage } from './route-message.js';
import { exportValue, toBool, type QueryValueKind } from './route-values.js';

/** true, false, or undefined when edgeHub's verdict is undefined. */
export type Verdict = boolean | undefined;

/** The condition's verdict for a message (prepare the message once when evaluating many routes). */
export function evaluateCondition(condition: CompiledCondition, message: RouteMessage | PreparedMessage): Verdict {
  const verdict = toBool(condition.resultType, condition.evaluateRaw(prepareMessage(message)));
  return verdict === 0 ? undefined : verdict === 1;
}

/** Whether edgeHub would route the message (the verdict is exactly true). */
export function conditionMatches(condition: CompiledCondition, message: RouteMessage | PreparedMessage): boolean {
  return evaluateCondition(condition, message) === true;
}

/**
 * The value of the expression itself, before the verdict conversion: a number, string, boolean,
 * null, or undefined (for every flavour of undefined, including NaN).
 */
export function evaluateExpression(condition: CompiledCondition, message: RouteMessage | PreparedMessage): string | number | boolean | null | undefined {
  return exportValue(condition.resultType, condition.evaluateRaw(prepareMessage(message)));
}

export type BodyQueryResult =
  | { ok: true; kind: QueryValueKind; value: string | number | boolean | null | undefined }
  | { ok: false; errorType: BodyReadError['errorType']; message: string };

/**
 * message.GetQueryValue(path): what a `$body.<path>` lookup reads, or the error edgeHub raises
 * (missing or unsupported content type or encoding, invalid JSON). Inside a condition such an
 * error makes the lookup undefined instead.
 */
export function queryMessageBody(message: RouteMessage | PreparedMessage, path: string): BodyQueryResult {
  try {
    const q = prepareMessage(message).queryBody(path);
    return { ok: true, kind: q.kind, value: exportValue('queryValue', q) };
  } catch (error) {
    if (error instanceof BodyReadError) return { ok: false, errorType: error.errorType, message: error.message };
    throw error;
  }
}
