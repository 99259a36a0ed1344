// Normalizes a parsed file once for every later stage: finds modulesContent whatever the
// wrapper, lists agent modules, and joins and parses each module's createOptions.
import type { PendingFinding } from '../findings.js';
import { listAgentModules, type AgentModule } from './agent-modules.js';
import { explainInvalidJson, joinCreateOptions, type JoinedCreateOptions } from './join-create-options.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent, type LocatedModulesContent } from './manifest-shape.js';
import type { ParsedSource } from './parse-source.js';

/** A template may hold placeholders and object createOptions; a manifest is what IoT Hub receives. */
export type Flavour = 'manifest' | 'template';

export interface NormalizedManifest {
  source: ParsedSource;
  flavour: Flavour;
  located: LocatedModulesContent;
  modules: AgentModule[];
  createOptions: JoinedCreateOptions[];
  findings: PendingFinding[];
}

/** deployment.template.json, deployment.debug.template.json, deployment.template_1.json, gateway-deployment-template.json */
const TEMPLATE_NAME = /(^|[._-])template([._-][^/\\]*)?\.(json|ya?ml)$/i;

export function detectFlavour(file: string, root: unknown): Flavour {
  const baseName = file.split(/[/\\]/).pop() ?? file;
  if (TEMPLATE_NAME.test(baseName)) return 'template';
  return isPlainObject(root) && '$schema-template' in root ? 'template' : 'manifest';
}

export async function normalizeManifest(source: ParsedSource, flavour: Flavour = detectFlavour(source.file, source.value)): Promise<NormalizedManifest> {
  const located = locateModulesContent(source.value);
  const findings = [...located.findings];
  const modules = located.modulesContent ? listAgentModules(located.modulesContent, located.pointer) : [];
  const createOptions: JoinedCreateOptions[] = [];
  for (const module of modules) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    const joined = joinCreateOptions(settings, appendPointer(module.pointer, 'settings'));
    if (!joined) continue;
    await explainInvalidJson(joined);
    createOptions.push(joined);
    findings.push(...joined.findings);
  }
  return { source, flavour, located, modules, createOptions, findings };
}
