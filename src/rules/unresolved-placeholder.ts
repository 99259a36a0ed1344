// A placeholder left in a manifest that is not a template: IoT Hub takes `${ACR_ADDRESS}` or
// `<Build.BuildNumber>` literally, so edgeAgent pulls an image that does not exist or gets a
// password that is wrong. iotedgedev leaves unknown variables in place silently (FACTS.md §7).
// Validation already reports the placeholders that break a schema check, in values and in
// keys (same rule id, same pointer, so the engine keeps one); this rule finds the rest. Route texts are skipped: their
// `$` names ($upstream, $body, $connectionDeviceId) belong to the route language.
import { appendPointer } from '../manifest/json-pointer.js';
import { listRoutes } from '../manifest/manifest-views.js';
import { findPlaceholders } from '../manifest/placeholders.js';
import type { Rule, RuleReport } from './rule.js';

/** What to call the value in a message: its key, or the env var's name for `env.X.value`. */
function nameOf(segments: readonly string[]): string {
  const [env, name, last] = segments.slice(-3);
  if (env === 'env' && last === 'value' && name !== undefined) return name;
  const named = [...segments].reverse().find((segment) => !/^\d+$/.test(segment));
  return named ?? 'the document';
}

export const unresolvedPlaceholder: Rule = {
  meta: {
    id: 'unresolved-placeholder',
    defaultSeverity: 'error',
    description: 'A manifest (not a template) still holds a ${VAR}, $VAR or <Token> placeholder, which IoT Hub would take literally.',
    fixable: false,
    docs: {
      sources: [
        'Azure/iotedgedev `solution genconfig`: expands $VAR and ${VAR} from the environment and .env, and leaves unknown variables in place silently',
        'Azure/iotedge e2e_deployment_files/*.json: <Container_Registry>, <Build.BuildNumber> tokens replaced by the test pipeline',
      ],
    },
    messages: {
      value: '`{{name}}` still holds the placeholder {{placeholder}}, which IoT Hub would receive literally; generate the manifest with `edgewise gen` (or, if this file is a template, name it *.template.json)',
      key: 'the key "{{key}}" in `{{parent}}` still holds the placeholder {{placeholder}}, which IoT Hub would receive literally; generate the manifest with `edgewise gen` (or, if this file is a template, name it *.template.json)',
    },
  },
  check(manifest) {
    if (manifest.flavour !== 'manifest') return [];
    const routeTexts = new Set(listRoutes(manifest).map((route) => route.textPointer));
    const reports: RuleReport[] = [];

    const visit = (node: unknown, pointer: string, segments: string[]): void => {
      if (typeof node === 'string') {
        if (routeTexts.has(pointer)) return;
        for (const token of findPlaceholders(node)) {
          reports.push({ messageId: 'value', data: { name: nameOf(segments), placeholder: token.text }, pointer, stringOffset: token.offset });
        }
        return;
      }
      if (node === null || typeof node !== 'object') return;
      const entries = Array.isArray(node) ? node.map((item, index) => [String(index), item] as const) : Object.entries(node);
      for (const [key, child] of entries) {
        const childPointer = appendPointer(pointer, key);
        if (!Array.isArray(node)) {
          for (const token of findPlaceholders(key)) {
            reports.push({ messageId: 'key', data: { key, parent: nameOf(segments), placeholder: token.text }, pointer: childPointer, anchor: 'key' });
          }
        }
        visit(child, childPointer, [...segments, key]);
      }
    };
    visit(manifest.source.value, '', []);
    return reports;
  },
};
