// Decides whether a file is a template (placeholders and object createOptions expected) or a
// concrete manifest (what IoT Hub receives), and says why, so a finding can name the reason and
// the user can overrule it with --flavour. The name decides first (iotedgedev and the VS Code
// extension write deployment.template.json), then the content: release pipelines hand files
// named deployment.json or *.deployment.json to the IoT Edge build task as templates, and
// `${MODULES.x}` images, object createOptions, `${…}` everywhere and pipeline tokens in most images
// only make sense in a template.
import { listAgentModules, type AgentModule } from './agent-modules.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent } from './manifest-shape.js';
import { findPlaceholders } from './placeholders.js';

/** A template may hold placeholders and object createOptions; a manifest is what IoT Hub receives. */
export type Flavour = 'manifest' | 'template';

/** What decided the flavour: the name, `$schema-template`, the content, nothing, or the caller. */
export type FlavourSign = 'name' | 'schema-template' | 'module-image' | 'object-create-options' | 'placeholders' | 'image-tokens' | 'none' | 'given';

export interface FlavourDecision {
  flavour: Flavour;
  sign: FlavourSign;
  /** Why, as a clause that follows "because": `the image of module "filter" is ${MODULES.filter}`. */
  reason: string;
  /** Where the content sign is (a JSON Pointer), for a finding to point at. */
  pointer?: string;
}

/** deployment.template.json, deployment.debug.template.json, deployment.template_1.json, gateway-deployment-template.json */
const TEMPLATE_NAME = /(^|[._-])template([._-][^/\\]*)?\.(json|ya?ml)$/i;

/** iotedgedev's module image placeholders: ${MODULES.filter}, ${MODULES.filter.arm32v7}, ${MODULEDIR<../filter>}. */
const MODULE_IMAGE = /\$\{MODULE/;

export function detectFlavour(file: string, root: unknown): Flavour {
  return decideFlavour(file, root).flavour;
}

/** The decision for a flavour the caller chose (--flavour). */
export function givenFlavour(flavour: Flavour): FlavourDecision {
  return { flavour, sign: 'given', reason: `--flavour ${flavour} was given` };
}

export function decideFlavour(file: string, root: unknown, modules: readonly AgentModule[] = modulesOf(root)): FlavourDecision {
  const baseName = file.split(/[/\\]/).pop() ?? file;
  if (TEMPLATE_NAME.test(baseName)) return { flavour: 'template', sign: 'name', reason: `its name (${baseName}) marks a template` };
  if (isPlainObject(root) && '$schema-template' in root) return { flavour: 'template', sign: 'schema-template', reason: 'it declares "$schema-template"', pointer: appendPointer('', '$schema-template') };
  return decideByContent(modules) ?? { flavour: 'manifest', sign: 'none', reason: 'it is not named *.template.json and shows no template content' };
}

function modulesOf(root: unknown): AgentModule[] {
  const located = locateModulesContent(root);
  return located.modulesContent ? listAgentModules(located.modulesContent, located.pointer) : [];
}

function decideByContent(modules: readonly AgentModule[]): FlavourDecision | undefined {
  for (const module of modules) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    if (typeof settings.image === 'string' && MODULE_IMAGE.test(settings.image)) {
      return { flavour: 'template', sign: 'module-image', reason: `the image of module "${module.name}" is ${settings.image}, which iotedgedev fills in`, pointer: appendPointer(module.pointer, 'settings', 'image') };
    }
  }
  for (const module of modules) {
    const settings = module.definition.settings;
    if (isPlainObject(settings) && isPlainObject(settings.createOptions)) {
      return { flavour: 'template', sign: 'object-create-options', reason: `the createOptions of module "${module.name}" is an object, which only a template may hold`, pointer: appendPointer(module.pointer, 'settings', 'createOptions') };
    }
  }
  // All of edgeAgent's modules count, system ones included, so that one variable iotedgedev
  // left unset in a small generated manifest (genconfig leaves it in place) does not make it a template.
  const holding = modules.filter((module) => holdsDollarBrace(module.definition));
  if (holding.length > 0 && holding.length * 2 > modules.length) {
    return { flavour: 'template', sign: 'placeholders', reason: `${holding.length} of its ${modules.length} modules hold \${…} placeholders`, pointer: holding[0]!.pointer };
  }
  // Release pipelines substitute the registry and tag of every image as text (Azure/iotedge's e2e
  // files: <Container_Registry>/…:<Build.BuildNumber>; Replace Tokens: #{ACR}#/…): most images
  // holding such a token mark a file the pipeline fills in, whatever it is called.
  const tokenImages = modules.filter((module) => imageToken(module.definition) !== undefined);
  if (tokenImages.length > 0 && tokenImages.length * 2 > modules.length) {
    const first = tokenImages[0]!;
    return {
      flavour: 'template',
      sign: 'image-tokens',
      reason: `the images of ${tokenImages.length} of its ${modules.length} modules hold placeholders such as ${imageToken(first.definition)}, which a release pipeline fills in`,
      pointer: appendPointer(first.pointer, 'settings', 'image'),
    };
  }
  return undefined;
}

/** A pipeline placeholder in the module's image (not fill-in text, which a person must replace). */
function imageToken(definition: unknown): string | undefined {
  if (!isPlainObject(definition) || !isPlainObject(definition.settings) || typeof definition.settings.image !== 'string') return undefined;
  return findPlaceholders(definition.settings.image).find((found) => found.kind !== 'fill-in')?.text;
}

function holdsDollarBrace(node: unknown): boolean {
  if (typeof node === 'string') return node.includes('${') && findPlaceholders(node).some((found) => found.kind === 'dollar-brace');
  if (node === null || typeof node !== 'object') return false;
  return Object.values(node).some(holdsDollarBrace);
}
