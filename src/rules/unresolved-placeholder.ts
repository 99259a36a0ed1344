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

    // One path stack, pushed and popped, and pointers built only for the rare strings that hold
    // a placeholder: this walk touches every value of the manifest.
    const path: string[] = [];
    const pointerOf = (segments: readonly string[]) => segments.reduce((pointer, segment) => appendPointer(pointer, segment), '');
    const visit = (node: unknown): void => {
      if (typeof node === 'string') {
        const tokens = findPlaceholders(node);
        if (tokens.length === 0) return;
        const pointer = pointerOf(path);
        if (routeTexts.has(pointer)) return;
        for (const token of tokens) reports.push({ messageId: 'value', data: { name: nameOf(path), placeholder: token.text }, pointer, stringOffset: token.offset });
        return;
      }
      if (node === null || typeof node !== 'object') return;
      if (Array.isArray(node)) {
        for (let index = 0; index < node.length; index++) {
          const child: unknown = node[index];
          if (child === null || (typeof child !== 'object' && typeof child !== 'string')) continue;
          path.push(String(index));
          visit(child);
          path.pop();
        }
        return;
      }
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        const tokens = findPlaceholders(key);
        if (tokens.length > 0) {
          const parent = nameOf(path);
          path.push(key);
          for (const token of tokens) reports.push({ messageId: 'key', data: { key, parent, placeholder: token.text }, pointer: pointerOf(path), anchor: 'key' });
          path.pop();
        }
        if (child === null || (typeof child !== 'object' && typeof child !== 'string')) continue;
        path.push(key);
        visit(child);
        path.pop();
      }
    };
    visit(manifest.source.value);
    return reports;
  },
};
