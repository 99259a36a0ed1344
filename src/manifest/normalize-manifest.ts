// Normalizes a parsed file once for every later stage: finds modulesContent whatever the
// wrapper, lists agent modules, and joins and parses each module's createOptions.
import type { PendingFinding } from '../findings.js';
import { listAgentModules, type AgentModule } from './agent-modules.js';
import { explainInvalidJson, joinCreateOptions, type JoinedCreateOptions } from './docker/join-create-options.js';
import { decideFlavour, givenFlavour, type Flavour, type FlavourDecision } from './detect-flavour.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent, type LocatedModulesContent } from './manifest-shape.js';
import type { ParsedSource } from './parse-source.js';

export { detectFlavour, type Flavour } from './detect-flavour.js';

export interface NormalizedManifest {
  source: ParsedSource;
  flavour: Flavour;
  /** Why this flavour: the name, `$schema-template`, the content, or --flavour (for messages). */
  flavourDecision: FlavourDecision;
  located: LocatedModulesContent;
  modules: AgentModule[];
  createOptions: JoinedCreateOptions[];
  findings: PendingFinding[];
}

/** Normalizes a parsed file; the flavour follows its name and content unless the caller gives one. */
export async function normalizeManifest(source: ParsedSource, given?: Flavour): Promise<NormalizedManifest> {
  const located = locateModulesContent(source.value);
  const findings = [...located.findings];
  const modules = located.modulesContent ? listAgentModules(located.modulesContent, located.pointer) : [];
  const flavourDecision = given ? givenFlavour(given) : decideFlavour(source.file, source.value, modules);
  const flavour = flavourDecision.flavour;
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
  return { source, flavour, flavourDecision, located, modules, createOptions, findings };
}
