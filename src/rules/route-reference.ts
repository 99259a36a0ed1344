// Routes that name a module the deployment does not run: as a source
// (/messages/modules/<m>/…) the route never matches; as a BrokeredEndpoint target, messages are
// queued for a module that never connects, until their TTL expires. Wildcard sources such as
// /messages/modules/* name no module.
import { desiredOf, listRoutes } from '../manifest/manifest-views.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { checkFunctionEndpoint } from '../routes/index.js';
import { parseRouteOnce } from '../routes/parsed-routes.js';
import { suggestClosest } from '../schema/suggest-closest.js';
import type { Rule, RuleReport } from './rule.js';

/**
 * The module a source names, read from the prefix edgeHub matches: `/messages/modules/*` and
 * `/messages/*` name none (the trailing '*' is dropped), and a module segment that is or holds
 * a '*' in the middle of the source is compared literally, which route-syntax explains.
 */
function sourceModule(normalizedSource: string): string | undefined {
  const module = /^\/messages\/modules\/([^/]+)\//i.exec(normalizedSource)?.[1];
  return module && !module.includes('*') ? module : undefined;
}

/** The one module whose id holds the name, or is held by it (stream-image / stream-image-service). */
function suggestContaining(name: string, modules: readonly string[]): string | undefined {
  const bare = (text: string) => text.toLowerCase().replace(/[-_.]/g, '');
  const wanted = bare(name);
  const found = modules.filter((module) => {
    const candidate = bare(module);
    const [shorter, longer] = candidate.length < wanted.length ? [candidate, wanted] : [wanted, candidate];
    return shorter.length >= 4 && longer.includes(shorter);
  });
  return found.length === 1 ? found[0] : undefined;
}

export const routeReference: Rule = {
  meta: {
    id: 'route-reference',
    defaultSeverity: 'error',
    description: 'A route source or BrokeredEndpoint that names a module which is not in the deployment.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-composition#source (module ids in sources)',
        'iotedge edge-hub: message sources are matched as case-insensitive prefixes; BrokeredEndpoint addresses name a module id',
      ],
    },
    messages: {
      source: 'route "{{name}}" reads from module "{{module}}", which this deployment does not run, so the route never matches{{hint}}',
      sink: 'route "{{name}}" delivers to module "{{module}}", which this deployment does not run, so its messages wait in edgeHub until their time to live expires{{hint}}',
    },
  },
  check(manifest) {
    // Layered deployments add routes for modules defined elsewhere: only full manifests are checked.
    if (!desiredOf(manifest, '$edgeAgent')) return [];
    const modules = manifest.modules.map((module) => module.name);
    const lowerCaseModules = new Set(modules.map((module) => module.toLowerCase()));
    const hint = (name: string) => {
      const suggestion = suggestClosest(name, modules) ?? suggestContaining(name, modules);
      return suggestion ? `; did you mean "${suggestion}"?` : '';
    };
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      const parsed = parseRouteOnce(route.text);
      if (!parsed.ok) continue;
      const source = sourceModule(parsed.route.sourceNormalized);
      // A module name that is a placeholder (iotedgedev's scaffold routes to %MODULE%) is filled in later.
      if (source && !holdsPlaceholder(source) && !lowerCaseModules.has(source.toLowerCase())) {
        reports.push({ messageId: 'source', data: { name: route.name, module: source, hint: hint(source) }, pointer: route.textPointer, stringOffset: parsed.route.sourceSpan.offset });
      }
      const sink = parsed.route.sink;
      if (sink.kind !== 'function') continue;
      const endpoint = checkFunctionEndpoint(sink.name, sink.address);
      if (!endpoint.accepted || endpoint.target.kind !== 'module') continue;
      const target = endpoint.target.moduleId;
      if (!modules.includes(target) && !holdsPlaceholder(target)) {
        reports.push({ messageId: 'sink', data: { name: route.name, module: target, hint: hint(target) }, pointer: route.textPointer, stringOffset: sink.addressSpan.offset });
      }
    }
    return reports;
  },
};
