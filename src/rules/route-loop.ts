// Routes that hand a module its own messages: the sink is BrokeredEndpoint("/modules/M/inputs/i")
// and the source also matches what M sends (/messages/*, /messages/modules/*, /messages/modules/M/…).
// A module that forwards what it receives then loops forever, and one that filters gets its own
// results back as input. Whether M sends anything cannot be known from the manifest, so this is a
// warning for every module of the deployment; a WHERE condition that surely keeps M's messages out
// (WHERE $connectionModuleId != 'M') clears it.
import { listRoutes } from '../manifest/manifest-views.js';
import { checkFunctionEndpoint, normalizeRouteSource } from '../routes/index.js';
import { sourceIncludesModule } from '../routes/source-match.js';
import { judgeConditionForModule } from '../routes/condition-module-verdict.js';
import { compileConditionOnce, parseRouteOnce } from '../routes/parsed-routes.js';
import type { ConditionNode } from '../routes/index.js';
import type { Rule, RuleReport, Suggestion } from './rule.js';

/** `$connectionDeviceId = '<id>'` on its own or as a conjunct of an AND chain. */
function pinsDevice(node: ConditionNode): boolean {
  if (node.kind === 'group') return pinsDevice(node.expr);
  if (node.kind !== 'binary') return false;
  if (node.op === 'and') return pinsDevice(node.left) || pinsDevice(node.right);
  if (node.op !== '=') return false;
  const isDeviceId = (side: ConditionNode): boolean => (side.kind === 'systemProperty' || side.kind === 'escapedSystemProperty') && side.name.toLowerCase() === '$connectiondeviceid';
  const isText = (side: ConditionNode): boolean => side.kind === 'literal' && side.literal === 'string';
  return (isDeviceId(node.left) && isText(node.right)) || (isDeviceId(node.right) && isText(node.left));
}

/** The source names this very module (rather than all modules or all messages). */
function namesModule(source: string, moduleId: string): boolean {
  return normalizeRouteSource(source).toLowerCase().startsWith(`/messages/modules/${moduleId}/`.toLowerCase());
}

export const routeLoop: Rule = {
  meta: {
    id: 'route-loop',
    defaultSeverity: 'warning',
    description: 'A route whose source includes the messages of the module its sink delivers to, so that module receives its own output.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-composition#declare-routes (sources and BrokeredEndpoint sinks)',
        'iotedge edge-hub Routing.Core BaseMessageSource.Match (prefix match) and ModuleMessageSource (/messages/modules/<id>/outputs/<output>)',
        'iotedge edge-hub RoutingMessageConverter: $connectionModuleId is the sending module',
      ],
    },
    messages: {
      loop: 'route "{{name}}" reads {{source}}, which includes what module {{module}} sends, and delivers it to {{module}}\'s input "{{input}}", so {{module}} receives its own output (a module that forwards what it receives loops forever); read only the modules that feed it, e.g. FROM /messages/modules/<sender>/outputs/*, or add WHERE $connectionModuleId != \'{{module}}\'',
      loopWhere:
        'route "{{name}}" reads {{source}}, which includes what module {{module}} sends, and delivers it to {{module}}\'s input "{{input}}"; unless its WHERE condition keeps {{module}}\'s messages out, {{module}} receives its own output; read only the modules that feed it, or add $connectionModuleId != \'{{module}}\' to the condition',
      selfLoop: 'route "{{name}}" reads the messages module {{module}} sends ({{source}}) and delivers them back to {{module}}\'s input "{{input}}", so {{module}} receives its own output (and loops forever if it forwards what it receives); route {{module}}\'s output to another module or $upstream',
    },
  },
  check(manifest) {
    const modules = new Set(manifest.modules.filter((module) => module.kind === 'user').map((module) => module.name));
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      const parsed = parseRouteOnce(route.text);
      if (!parsed.ok) continue;
      const { source, sink, condition, conditionText, conditionSpan } = parsed.route;
      if (sink.kind !== 'function') continue;
      const endpoint = checkFunctionEndpoint(sink.name, sink.address);
      if (!endpoint.accepted || endpoint.target.kind !== 'module') continue;
      const { moduleId, input } = endpoint.target;
      if (!modules.has(moduleId) || !sourceIncludesModule(source, moduleId)) continue;
      // A condition edgeHub refuses makes the whole route fail (route-syntax reports it).
      if (conditionSpan && !compileConditionOnce(conditionText, conditionSpan.offset).ok) continue;
      const verdict = condition ? judgeConditionForModule(condition, route.text, moduleId) : conditionSpan ? 'unknown' : 'admits';
      if (verdict === 'excludes') continue;
      // A route kept to one named device is written for a child device's messages; the module's own
      // messages carry the edge device's id, which the manifest does not show (Azure/iotedge's
      // nested-edge e2e deployment routes FROM /messages/* WHERE $connectionDeviceId = "L3LeafToRelayer1").
      if (verdict === 'unknown' && condition && pinsDevice(condition)) continue;
      const data = { name: route.name, source, module: moduleId, input };
      const at = { pointer: route.textPointer, stringOffset: parsed.route.sourceSpan.offset };
      if (namesModule(source, moduleId)) {
        reports.push({ messageId: 'selfLoop', data, ...at });
        continue;
      }
      // Excluding the module keeps every other sender: a reasonable choice, not the only one.
      const guard = `$connectionModuleId != '${moduleId}'`;
      const sourceEnd = parsed.route.sourceSpan.offset + parsed.route.sourceSpan.length;
      const text = conditionSpan
        ? route.text.slice(0, conditionSpan.offset) + `(${conditionText}) AND ${guard}` + route.text.slice(conditionSpan.offset + conditionSpan.length)
        : route.text.slice(0, sourceEnd) + ` WHERE ${guard}` + route.text.slice(sourceEnd);
      // A quote in the module id would need escaping inside the condition's string: no suggestion then.
      const suggestions: Suggestion[] = moduleId.includes("'") ? [] : [{ description: `keep ${moduleId}'s own messages out: WHERE ${conditionSpan ? `(…) AND ${guard}` : guard}`, fix: { edits: [{ op: 'set', pointer: route.textPointer, value: text }] } }];
      reports.push({ messageId: verdict === 'unknown' ? 'loopWhere' : 'loop', data, ...at, suggestions });
    }
    return reports;
  },
};
