// Route sources that no message can ever match. edgeHub gives each message one of four sources
// (/messages, /messages/modules/<id>, /messages/modules/<id>/outputs/<output>,
// /twinChangeNotifications) and a route matches when its FROM, without a trailing '*', is a prefix
// of the message's source (source-match.ts). A source that leaves those shapes, such as
// `.../output/x` or `/messages/module/x`, is accepted by edgeHub and silently never delivers.
// Forms that do match by prefix (`/messages/modules/x/outputs` without a name) are not reported.
import { listRoutes } from '../manifest/manifest-views.js';
import { firstUnmatchableSegment } from '../routes/source-match.js';
import { suggestClosest } from '../schema/suggest-closest.js';
import { parseRouteOnce } from '../routes/parsed-routes.js';
import type { Fix, Rule, RuleReport, Suggestion } from './rule.js';

/** `outputs` for `output`, `modules` for `module`: the expected word this segment is the singular of. */
function pluralOf(segment: string, expected: readonly string[]): string | undefined {
  return expected.find((word) => word.toLowerCase() === `${segment.toLowerCase()}s`);
}

export const routeSource: Rule = {
  meta: {
    id: 'route-source',
    defaultSeverity: 'error',
    description: 'A route source that no message can match, such as `/messages/modules/<module>/output/<name>` (singular) or `/messages/module/<module>`, so the route never delivers anything.',
    fixable: true,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-composition#source (the documented sources)',
        'iotedge edge-hub Routing.Core CustomMessageSource.Create and BaseMessageSource.Match: a trailing \'*\' is dropped and the rest is matched as a case-insensitive prefix',
        'iotedge edge-hub ModuleMessageSource, TelemetryMessageSource, TwinChangeEventMessageSource: the sources messages get',
        'Conformance data from edgeHub\'s own tests: test/fixtures/edgehub-routes/source-match.json and message-sources.json',
      ],
    },
    messages: {
      misspelt: 'route "{{name}}" reads from {{source}}, which no message matches: edgeHub\'s message sources have "{{expected}}" where this has "{{segment}}", so the route never delivers; write {{corrected}}',
      singularOutput:
        'route "{{name}}" reads from {{source}}, which no message matches: module outputs have the source /messages/modules/{{module}}/outputs/<output> (plural "outputs", then the name), so the route never delivers; write /messages/modules/{{module}}/outputs/* for all its outputs, or /messages/modules/{{module}}/outputs/output for an output named "output"',
      root: 'route "{{name}}" reads from {{source}}, which no message matches: edgeHub gives messages the sources /messages (from devices), /messages/modules/<module>/outputs/<output> (from modules) and /twinChangeNotifications, and none starts with "/{{segment}}"; use FROM /messages/* for all messages or FROM /messages/modules/<module>/outputs/* for one module',
      messages: 'route "{{name}}" reads from {{source}}, which no message matches: below /messages edgeHub only has /messages/modules/<module>, not "{{segment}}"; use FROM /messages/* for all messages (devices and modules) or FROM /messages/modules/<module>/outputs/* for one module',
      input: 'route "{{name}}" reads from {{source}}, which no message matches: a module\'s inputs are where routes deliver, never a message source; to route what {{module}} sends, use FROM /messages/modules/{{module}}/outputs/* (or one output\'s name instead of *)',
      module: 'route "{{name}}" reads from {{source}}, which no message matches: below a module edgeHub only has /messages/modules/{{module}}/outputs/<output>, not "{{segment}}"; use FROM /messages/modules/{{module}}/outputs/* for all its outputs or name one output',
      twin: 'route "{{name}}" reads from {{source}}, which no message matches: every twin change notification has the source /twinChangeNotifications, with nothing below it (whichever device or module reported it); use FROM /twinChangeNotifications',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      const parsed = parseRouteOnce(route.text);
      if (!parsed.ok) continue; // route-syntax reports it
      const { source, sourceSpan } = parsed.route;
      const found = firstUnmatchableSegment(source);
      if (!found) continue;
      const written = source.split('/'); // ['', 'messages', 'modules', '<module>', ...]
      // The segment as written, with any trailing '*' that edgeHub drops.
      const raw = written[found.index + 1]!;
      // With spaces inside the source (a route-syntax surprise), text offsets no longer line up.
      const exact = route.text.slice(sourceSpan.offset, sourceSpan.offset + sourceSpan.length) === source;
      const at = { pointer: route.textPointer, stringOffset: exact ? sourceSpan.offset + found.offset : sourceSpan.offset };
      const module = written[3] ?? '';
      const data = { name: route.name, source, segment: found.segment, module };
      const corrected = (replacement: string) => source.slice(0, found.offset) + replacement + source.slice(found.offset + raw.length);
      const rewrite = (replacement: string): Fix => {
        const offset = sourceSpan.offset + found.offset;
        return { edits: [{ op: 'set', pointer: route.textPointer, value: route.text.slice(0, offset) + replacement + route.text.slice(offset + raw.length) }] };
      };
      const isLast = found.index === written.length - 2;

      if (found.expected.length === 0) {
        reports.push({ messageId: 'twin', data, ...at });
      } else if (found.index === 3 && /^inputs?$/i.test(found.segment)) {
        reports.push({ messageId: 'input', data, ...at });
      } else if (found.index === 3 && found.segment.toLowerCase() === 'output' && isLast) {
        // `/messages/modules/m/output`: all outputs, or the output named "output"? Both are common.
        const suggestions: Suggestion[] = exact
          ? [
              { description: `read all outputs of ${module}: ${corrected('outputs/*')}`, fix: rewrite('outputs/*') },
              { description: `read the output named "output": ${corrected('outputs/output')}`, fix: rewrite('outputs/output') },
            ]
          : [];
        reports.push({ messageId: 'singularOutput', data, ...at, suggestions });
      } else if (pluralOf(found.segment, found.expected)) {
        const plural = pluralOf(found.segment, found.expected)!;
        reports.push({ messageId: 'misspelt', data: { ...data, expected: plural, corrected: corrected(plural) }, ...at, ...(exact ? { fix: rewrite(plural) } : {}) });
      } else if (suggestClosest(found.segment, found.expected)) {
        // A typo is probably the closest word, but not surely: shown, not applied.
        const closest = suggestClosest(found.segment, found.expected)!;
        const suggestions: Suggestion[] = exact ? [{ description: `read from ${corrected(closest)}`, fix: rewrite(closest) }] : [];
        reports.push({ messageId: 'misspelt', data: { ...data, expected: closest, corrected: corrected(closest) }, ...at, suggestions });
      } else {
        reports.push({ messageId: found.index === 0 ? 'root' : found.index === 1 ? 'messages' : 'module', data, ...at });
      }
    }
    return reports;
  },
};
