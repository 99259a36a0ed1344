// Sinks edgeHub's EndpointFactory refuses: only $upstream and
// BrokeredEndpoint("/modules/<module>/inputs/<input>") exist on IoT Edge.
import { listRoutes } from '../manifest/manifest-views.js';
import { checkFunctionEndpoint, checkSystemEndpoint } from '../routes/index.js';
import { parseRouteOnce } from '../routes/parsed-routes.js';
import type { Rule, RuleReport } from './rule.js';

export const routeSink: Rule = {
  meta: {
    id: 'route-sink',
    defaultSeverity: 'error',
    description: 'A route sink other than $upstream or BrokeredEndpoint("/modules/<module>/inputs/<input>"), which edgeHub refuses.',
    fixable: false,
    docs: {
      sources: ['iotedge edge-hub/core/src/.../EndpointFactory.cs: $upstream and BrokeredEndpoint only, names matched case-insensitively', 'https://learn.microsoft.com/azure/iot-edge/module-composition#sink'],
    },
    messages: {
      sink: 'route "{{name}}" sends to a sink edgeHub does not know: {{reason}}',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      const parsed = parseRouteOnce(route.text);
      if (!parsed.ok) continue; // route-syntax reports it
      const sink = parsed.route.sink;
      const check = sink.kind === 'function' ? checkFunctionEndpoint(sink.name, sink.address) : checkSystemEndpoint(sink.name);
      if (!check.accepted) {
        reports.push({ messageId: 'sink', data: { name: route.name, reason: check.reason.replace(/\.$/, '') }, pointer: route.textPointer, stringOffset: sink.span.offset });
      }
    }
    return reports;
  },
};
