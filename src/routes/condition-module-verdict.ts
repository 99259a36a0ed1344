// Whether a route's WHERE condition keeps out (or lets through) every message a given module
// sends, judged only where that is certain: parts that depend on nothing but $connectionModuleId
// (and literals) are evaluated for that module as edgeHub would, then combined through AND and OR;
// anything else (application properties, $body, other system properties) depends on the message,
// so it is not judged. A module could shadow $connectionModuleId with an application property of
// that name (edgeHub reads that first); {$connectionModuleId} cannot be shadowed, and real modules
// do not do this, so both spellings are judged.
import { compileCondition, evaluateCondition, type ConditionNode } from './index.js';

const CONNECTION_MODULE_ID = '$connectionmoduleid';

/** The node reads nothing but $connectionModuleId and constants. */
function onlyModuleId(node: ConditionNode): boolean {
  switch (node.kind) {
    case 'literal':
      return true;
    case 'systemProperty':
    case 'escapedSystemProperty':
      return node.name.toLowerCase() === CONNECTION_MODULE_ID;
    case 'unary':
      return onlyModuleId(node.operand);
    case 'binary':
      return onlyModuleId(node.left) && onlyModuleId(node.right);
    case 'group':
      return onlyModuleId(node.expr);
    case 'call':
      return node.name.toLowerCase() !== 'twin_change_includes' && node.args.every(onlyModuleId);
    default:
      return false;
  }
}

/** What a condition does with the messages of one module, where that is certain. */
export type ModuleVerdict = 'excludes' | 'admits' | 'unknown';

function judge(node: ConditionNode, routeText: string, moduleId: string): ModuleVerdict {
  if (onlyModuleId(node)) {
    const text = routeText.slice(node.span.offset, node.span.offset + node.span.length);
    const compiled = compileCondition(text);
    if (!compiled.ok) return 'unknown';
    return evaluateCondition(compiled.condition, { systemProperties: { connectionModuleId: moduleId } }) === true ? 'admits' : 'excludes';
  }
  if (node.kind === 'group') return judge(node.expr, routeText, moduleId);
  if (node.kind === 'binary' && (node.op === 'and' || node.op === 'or')) {
    const sides = [judge(node.left, routeText, moduleId), judge(node.right, routeText, moduleId)];
    // AND lets a message through only if both sides do; OR if either does.
    const [decisive, other] = node.op === 'and' ? (['excludes', 'admits'] as const) : (['admits', 'excludes'] as const);
    if (sides.includes(decisive)) return decisive;
    return sides.every((side) => side === other) ? other : 'unknown';
  }
  return 'unknown';
}

/**
 * Whether the condition (parsed from `routeText`) rejects every message `moduleId` sends
 * ('excludes'), accepts every one ('admits'), or depends on more than the module ('unknown').
 */
export function judgeConditionForModule(condition: ConditionNode, routeText: string, moduleId: string): ModuleVerdict {
  return judge(condition, routeText, moduleId);
}
