// Text left for a human to replace, in a concrete manifest: `<Use the key of your Log Analytics
// workspace>`, TODO, CHANGEME, `HostName=xxx.azure-devices.net`. IoT Hub and edgeAgent pass it
// on as it is, so the module starts with configuration that cannot work (a key that is a
// sentence, a host that does not exist). Checked where modules read configuration: env values,
// createOptions Env, and module twins' desired properties. Templates are not checked (the
// flavour says the file is filled in later); placeholders such as `<YOUR_KEY>` are
// unresolved-placeholder's.
import type { AgentModule } from '../manifest/agent-modules.js';
import { findFillInText } from '../manifest/fill-in-text.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { listEnv } from '../manifest/manifest-views.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { memberOf } from '../manifest/case-insensitive-member.js';
import { createOptionsOf } from '../manifest/docker/module-create-options.js';
import type { Rule, RuleReport } from './rule.js';

const DESIRED = 'properties.desired';

/**
 * A whole value of x's (`"skillType": "xxx"` in Microsoft's default Azure Percept deployment) may
 * be a deliberate dummy the module ignores: a warning. x's inside a value (`HostName=xxx.…`),
 * sentences and markers are surely left to fill in: errors.
 */
function severityOf(value: string, fill: { text: string }): 'warning' | undefined {
  return value.trim() === fill.text && /^[xX]+$/.test(fill.text) ? 'warning' : undefined;
}

function envReports(manifest: NormalizedManifest, module: AgentModule): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const env of listEnv(module.definition, module.pointer)) {
    if (typeof env.value !== 'string') continue;
    const fill = findFillInText(env.value);
    if (fill) reports.push({ messageId: 'env', data: { module: module.name, name: env.name, text: fill.text }, pointer: appendPointer(env.pointer, 'value'), stringOffset: fill.offset, severity: severityOf(env.value, fill) });
  }
  const options = createOptionsOf(manifest, module);
  const entries = options?.value ? memberOf(options.value, options.pointer, 'Env') : undefined;
  if (entries && Array.isArray(entries.value)) {
    entries.value.forEach((entry, index) => {
      if (typeof entry !== 'string' || !entry.includes('=')) return;
      const name = entry.slice(0, entry.indexOf('='));
      const value = entry.slice(name.length + 1);
      const fill = findFillInText(value);
      if (fill) reports.push({ messageId: 'createOptionsEnv', data: { module: module.name, name, text: fill.text }, pointer: appendPointer(entries.pointer, index), stringOffset: name.length + 1 + fill.offset, severity: severityOf(value, fill) });
    });
  }
  return reports;
}

/** Every string in a module twin's desired properties, full (`properties.desired`) or layered (`properties.desired.x`). */
function twinReports(twin: string, section: Record<string, unknown>, twinPointer: string): RuleReport[] {
  const reports: RuleReport[] = [];
  // One path stack, and a pointer built only for a string that holds fill-in text: the walk
  // visits every value of every module twin.
  const path: string[] = [];
  const walk = (node: unknown, base: string, name: string): void => {
    if (typeof node === 'string') {
      const fill = findFillInText(node);
      if (fill) reports.push({ messageId: 'twin', data: { module: twin, name, text: fill.text }, pointer: pointerAt(base, path), stringOffset: fill.offset, severity: severityOf(node, fill) });
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const list = Array.isArray(node);
    for (const key in node) {
      path.push(key);
      walk((node as Record<string, unknown>)[key], base, list ? name : key);
      path.pop();
    }
  };
  for (const [key, value] of Object.entries(section)) {
    if (key === DESIRED) walk(value, appendPointer(twinPointer, key), twin);
    else if (key.startsWith(`${DESIRED}.`)) walk(value, appendPointer(twinPointer, key), key.slice(key.lastIndexOf('.') + 1));
  }
  return reports;
}

function pointerAt(base: string, path: readonly string[]): string {
  let pointer = base;
  for (const segment of path) pointer = appendPointer(pointer, segment);
  return pointer;
}

export const fillInText: Rule = {
  meta: {
    id: 'fill-in-text',
    defaultSeverity: 'error',
    description:
      'Text left for a human to replace (a sentence in angle brackets, TODO, CHANGEME, xxx) in an env value, a createOptions Env entry or a module twin of a concrete manifest.',
    fixable: false,
    docs: {
      sources: [
        'Public sample deployments (for example metrics-collector examples with "<YOURSHERE>"-style values) leave `<…>` sentences, `xxx` host names and REPLACE_ME values for the reader to replace',
        'https://learn.microsoft.com/azure/iot-edge/module-composition (env values and module twin desired properties reach the module as written)',
      ],
    },
    messages: {
      env: '{{module}} sets the env var {{name}} to fill-in text "{{text}}", which the module receives as it is; put the real value in before deploying',
      createOptionsEnv: '{{module}} sets {{name}} in createOptions Env to fill-in text "{{text}}", which the module receives as it is; put the real value in before deploying',
      twin: '`{{name}}` in the desired properties of {{module}} holds fill-in text "{{text}}", which the module receives as it is; put the real value in before deploying',
    },
  },
  check(manifest) {
    const content = manifest.located.modulesContent;
    if (manifest.flavour !== 'manifest' || !content) return [];
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) reports.push(...envReports(manifest, module));
    for (const [twin, section] of Object.entries(content)) {
      if (twin === '$edgeAgent' || twin === '$edgeHub' || !isPlainObject(section)) continue;
      reports.push(...twinReports(twin, section, appendPointer(manifest.located.pointer, twin)));
    }
    return reports;
  },
};
