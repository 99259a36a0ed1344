// A placeholder left in a manifest that is not a template: IoT Hub takes `${ACR_ADDRESS}`,
// `#{ACR_ADDRESS}#` or `<Build.BuildNumber>` literally, so edgeAgent pulls an image that does not
// exist or gets a password that is wrong. iotedgedev leaves unknown variables in place silently
// (FACTS.md §7), and a release pipeline whose token step did not run leaves its tokens.
// Every message says why the file was taken as a concrete manifest, so --flavour is found; a
// file taken as a template because of its content (not its name) gets one `info` saying so.
// The schema check finds the placeholders that break it, in values and in keys, and the loader
// hands them over: this rule reports those in the schema's words, and finds the rest (one
// finding per place: the schema's, when both see it).
// Not reported: route texts (their `$` names, $upstream and $body, belong to the route
// language), and `$VAR`, `${VAR}` and `$(…)` in createOptions Cmd, Entrypoint and Healthcheck,
// which a shell in the container expands from the module's env.
import type { JoinedCreateOptions } from '../manifest/docker/join-create-options.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { listRoutes } from '../manifest/manifest-views.js';
import { findPlaceholders, type Placeholder } from '../manifest/placeholders.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { withLoadedReports, type Rule, type RuleReport } from './rule.js';

const CREATE_OPTIONS_CHUNK = /^createOptions(\d\d)?$/i;
/** createOptions members a shell may run (Docker reads keys without regard to case). */
const SHELL_MEMBERS = new Set(['cmd', 'entrypoint', 'healthcheck']);

/** What to call the value in a message: its key, or the env var's name for `env.X.value` and createOptions `Env` entries. */
function nameOf(segments: readonly string[], text?: string): string {
  const [env, name, last] = segments.slice(-3);
  if (env === 'env' && last === 'value' && name !== undefined) return name;
  if (name?.toLowerCase() === 'env' && /^\d+$/.test(last ?? '') && text?.includes('=')) return text.slice(0, text.indexOf('='));
  const named = [...segments].reverse().find((segment) => !/^\d+$/.test(segment));
  return named ?? 'the document';
}

function messageFor(token: Placeholder, where: 'value' | 'key'): string {
  if (token.kind === 'fill-in') return where === 'value' ? 'fillInValue' : 'fillInKey';
  return where;
}

export const unresolvedPlaceholder: Rule = {
  meta: {
    id: 'unresolved-placeholder',
    defaultSeverity: 'error',
    description:
      'A manifest (not a template) still holds a placeholder (`${VAR}`, `$VAR`, `$(VAR)`, `#{VAR}#`, `__VAR__`, `{{VAR}}`, `<Token>` or `<YOUR_…>`), which IoT Hub would take literally.',
    fixable: false,
    docs: {
      sources: [
        'Azure/iotedgedev `solution genconfig`: expands $VAR and ${VAR} from the environment and .env, and leaves unknown variables in place silently',
        'Azure/iotedge e2e_deployment_files/*.json: <Container_Registry>, <Build.BuildNumber> tokens replaced by the test pipeline',
        'Azure Pipelines: $(var) macro syntax and ${{ }} template expressions; the Replace Tokens task (#{var}# by default) and the Tokenizer task (__var__)',
        'Azure IoT Edge build and release task: takes a deployment template (`${MODULES.x}` images, object createOptions) whatever the file is called',
      ],
    },
    messages: {
      schema: '{{description}}',
      value:
        '`{{name}}` still holds the placeholder {{placeholder}}, which IoT Hub would take literally; fill it in before deploying (`edgewise gen` fills ${VAR} and $VAR). This file was linted as a concrete manifest because {{reason}}; if it is a template, lint it with --flavour template',
      key: 'the key "{{key}}" in `{{parent}}` still holds the placeholder {{placeholder}}, which IoT Hub would take literally; fill it in before deploying (`edgewise gen` fills ${VAR} and $VAR). This file was linted as a concrete manifest because {{reason}}; if it is a template, lint it with --flavour template',
      fillInValue:
        '`{{name}}` still holds {{placeholder}}, left for someone to fill in, which IoT Hub would take literally; put the real value in before deploying. This file was linted as a concrete manifest because {{reason}}; if it is a template, lint it with --flavour template',
      fillInKey:
        'the key "{{key}}" in `{{parent}}` still holds {{placeholder}}, left for someone to fill in, which IoT Hub would take literally; put the real value in before deploying. This file was linted as a concrete manifest because {{reason}}; if it is a template, lint it with --flavour template',
      templateByContent:
        'this file was linted as a template because {{reason}}, so its placeholders are not reported; if IoT Hub receives this file as it is, lint it with --flavour manifest (or name templates *.template.json)',
    },
  },
  check(manifest, loaded) {
    return withLoadedReports(loaded, 'unresolved-placeholder', ownReports(manifest));
  },
};

function ownReports(manifest: NormalizedManifest): RuleReport[] {
  const decision = manifest.flavourDecision;
  if (manifest.flavour !== 'manifest') {
    const byContent = decision.sign === 'module-image' || decision.sign === 'object-create-options' || decision.sign === 'placeholders';
    if (!byContent) return [];
    // At the sign: the image or createOptions value, or the first module holding ${…} (its key).
    const anchor = decision.sign === 'placeholders' ? 'key' : 'value';
    return [{ messageId: 'templateByContent', data: { reason: decision.reason }, pointer: decision.pointer ?? '', anchor, severity: 'info' }];
  }
  const reason = decision.reason;
  const routeTexts = new Set(listRoutes(manifest).map((route) => route.textPointer));
  const optionsBySettings = new Map<string, JoinedCreateOptions>();
  for (const options of manifest.createOptions) if (options.value) optionsBySettings.set(options.settingsPointer, options);
  const reports: RuleReport[] = [];

  // One path stack, pushed and popped, and pointers built only for the rare strings that hold
  // a placeholder: this walk touches every value of the manifest.
  const path: string[] = [];
  const pointerOf = (segments: readonly string[]) => segments.reduce((pointer, segment) => appendPointer(pointer, segment), '');
  const visitString = (text: string, shell: boolean): void => {
    const tokens = findPlaceholders(text, { shell });
    if (tokens.length === 0) return;
    const pointer = pointerOf(path);
    if (routeTexts.has(pointer)) return;
    for (const token of tokens) reports.push({ messageId: messageFor(token, 'value'), data: { name: nameOf(path, text), placeholder: token.text, reason }, pointer, stringOffset: token.offset });
  };
  const visitChild = (key: string, child: unknown, shell: boolean): void => {
    if (child === null || (typeof child !== 'object' && typeof child !== 'string')) return;
    path.push(key);
    visit(child, shell);
    path.pop();
  };
  const visit = (node: unknown, shell: boolean): void => {
    if (typeof node === 'string') return visitString(node, shell);
    if (node === null || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index++) visitChild(String(index), node[index], shell);
      return;
    }
    // A module's settings: its createOptions are read parsed (whatever the chunking), so a
    // placeholder points into the options and Cmd is known to be shell text.
    const options = path[path.length - 1] === 'settings' ? optionsBySettings.get(pointerOf(path)) : undefined;
    for (const key in node) {
      const child = (node as Record<string, unknown>)[key];
      if (options && CREATE_OPTIONS_CHUNK.test(key)) continue;
      visitKey(key);
      visitChild(key, child, shell);
    }
    if (options?.value) {
      path.push('createOptions');
      for (const [key, child] of Object.entries(options.value)) {
        visitKey(key);
        visitChild(key, child, SHELL_MEMBERS.has(key.toLowerCase()));
      }
      path.pop();
    }
  };
  const visitKey = (key: string): void => {
    const tokens = findPlaceholders(key);
    if (tokens.length === 0) return;
    const parent = nameOf(path);
    path.push(key);
    for (const token of tokens) reports.push({ messageId: messageFor(token, 'key'), data: { key, parent, placeholder: token.text, reason }, pointer: pointerOf(path), anchor: 'key' });
    path.pop();
  };
  visit(manifest.value, false);
  return reports;
}
