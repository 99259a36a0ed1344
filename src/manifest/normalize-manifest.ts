// The manifest model: a parsed value (a file's, a twin's, a merge result) normalized once for
// every later stage. Finds modulesContent whatever the wrapper, lists agent modules, and joins
// and parses each module's createOptions. It holds no text and no positions: the loader keeps
// the ParsedSource beside it and places findings only when there are some.
import type { LoadProblem } from '../findings.js';
import { listAgentModules, type AgentModule } from './agent-modules.js';
import { explainInvalidJson, joinCreateOptions, type JoinedCreateOptions } from './docker/join-create-options.js';
import { decideFlavour, givenFlavour, type Flavour, type FlavourDecision } from './detect-flavour.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent, type LocatedModulesContent } from './manifest-shape.js';

export { detectFlavour, type Flavour } from './detect-flavour.js';

export interface NormalizeOptions {
  /** Force a flavour instead of deciding from the name and the content (--flavour). */
  flavour?: Flavour;
  /** The document's name, when it has one: a name such as deployment.template.json marks a template. */
  file?: string;
}

export interface NormalizedManifest {
  /** The document as parsed. Rules read it; nothing writes to it. */
  value: unknown;
  flavour: Flavour;
  /** Why this flavour: the name, `$schema-template`, the content, or --flavour (for messages). */
  flavourDecision: FlavourDecision;
  located: LocatedModulesContent;
  modules: AgentModule[];
  createOptions: JoinedCreateOptions[];
  /** What normalizing found wrong (a deprecated wrapper, createOptions that do not join or parse), for the rules to report. */
  problems: LoadProblem[];
}

/** Normalizes a parsed value; the flavour follows its name and content unless the caller gives one. */
export async function normalizeManifest(value: unknown, options: NormalizeOptions = {}): Promise<NormalizedManifest> {
  const located = locateModulesContent(value);
  const problems = [...located.problems];
  const modules = located.modulesContent ? listAgentModules(located.modulesContent, located.pointer) : [];
  const flavourDecision = options.flavour ? givenFlavour(options.flavour) : decideFlavour(options.file ?? '', value, modules);
  const flavour = flavourDecision.flavour;
  const createOptions: JoinedCreateOptions[] = [];
  for (const module of modules) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    const joined = joinCreateOptions(settings, appendPointer(module.pointer, 'settings'));
    if (!joined) continue;
    await explainInvalidJson(joined);
    createOptions.push(joined);
    problems.push(...joined.problems);
  }
  return { value, flavour, flavourDecision, located, modules, createOptions, problems };
}
