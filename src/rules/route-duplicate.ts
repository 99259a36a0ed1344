// The same route written twice under two names: each copy delivers every matching message, so
// the sink receives it twice (and $upstream bills it twice).
import { listRoutes } from '../manifest/manifest-views.js';
import type { Rule, RuleReport } from './rule.js';

function normalize(text: string): string {
  return text.trim().replace(/\s+/g, ' ');
}

export const routeDuplicate: Rule = {
  meta: {
    id: 'route-duplicate',
    defaultSeverity: 'warning',
    description: 'Two routes with the same text, so every matching message is delivered twice.',
    fixable: false,
    docs: { sources: ['iotedge edge-hub routing: each route delivers independently to its endpoint'] },
    messages: {
      duplicate: 'route "{{name}}" repeats route "{{first}}" word for word, so every matching message is delivered twice; remove one of them',
    },
  },
  check(manifest) {
    const seen = new Map<string, string>();
    const reports: RuleReport[] = [];
    for (const route of listRoutes(manifest)) {
      const key = normalize(route.text);
      const first = seen.get(key);
      if (first !== undefined) reports.push({ messageId: 'duplicate', data: { name: route.name, first }, pointer: route.pointer, anchor: 'key' });
      else seen.set(key, route.name);
    }
    return reports;
  },
};
