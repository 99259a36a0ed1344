// Routes edgeHub cannot use: text that does not parse, a WHERE condition that does not compile,
// or text after the sink, which edgeHub's grammar silently drops (so `INTO $upstream WHERE x`
// routes every message). Legal but surprising shapes (`temp+1` read as one property name,
// `TRUE` read as a property) are warnings that say what edgeHub will do.
import { compileConditionOnce, parseRouteOnce } from '../routes/parsed-routes.js';
import { listRoutes } from '../manifest/manifest-views.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import type { Rule, RuleReport } from './rule.js';

export const routeSyntax: Rule = {
  meta: {
    id: 'route-syntax',
    defaultSeverity: 'error',
    description: 'A route that edgeHub cannot parse or compile, text after the sink (which edgeHub ignores), or grammar surprises such as `temp+1` read as one property name.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-composition#declare-routes (route syntax)',
        'iotedge edge-hub/core/src/.../routing: Route.g4 and Condition.g4 grammars, RouteFactory, ConditionCompiler',
        'Conformance data from edgeHub\'s own tests: test/fixtures/edgehub-routes (see test/routes/DIFFERENCES.md)',
      ],
    },
    messages: {
      parse: 'route "{{name}}" does not parse: {{reason}}',
      condition: 'the WHERE condition of route "{{name}}" does not compile, so edgeHub refuses the route: {{reason}}',
      trailing: 'route "{{name}}" has text after its sink ("{{text}}"), which edgeHub silently ignores; if it is a condition, write it before INTO as "WHERE …"',
      surprise: 'route "{{name}}": {{explanation}}',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      // A template's route is checked once generated: `$EDGEHUB_ROUTE` or `FROM ${SOURCE} INTO …`
      // is text a generator replaces (LoRaWAN starter kit); in a manifest, unresolved-placeholder says so.
      if (manifest.flavour === 'template' && holdsPlaceholder(route.text)) continue;
      const at = (offset: number) => ({ pointer: route.textPointer, stringOffset: offset });
      const parsed = parseRouteOnce(route.text);
      if (!parsed.ok) {
        reports.push({ messageId: 'parse', data: { name: route.name, reason: parsed.error.message.replace(/\.$/, '') }, ...at(parsed.error.offset) });
        continue;
      }
      const { route: parsedRoute } = parsed;
      if (parsedRoute.trailingText && parsedRoute.trailingText.text.trim() !== '') {
        reports.push({ messageId: 'trailing', data: { name: route.name, text: parsedRoute.trailingText.text.trim() }, ...at(parsedRoute.trailingText.offset) });
      }
      const compiled = compileConditionOnce(parsedRoute.conditionText, parsedRoute.conditionSpan?.offset ?? 0);
      if (!compiled.ok) {
        const first = compiled.errors[0]!;
        reports.push({ messageId: 'condition', data: { name: route.name, reason: first.message.replace(/\.$/, '') }, ...at(first.offset) });
      }
      for (const surprise of parsedRoute.surprises) {
        if (surprise.code === 'ignored-trailing-text') continue; // reported above as an error
        reports.push({ messageId: 'surprise', data: { name: route.name, explanation: surprise.explanation.replace(/\.$/, '') }, severity: 'warning', ...at(surprise.offset) });
      }
    }
    return reports;
  },
};
