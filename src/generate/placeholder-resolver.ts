// Decides the value of each placeholder `gen` meets: image placeholders from module.json files
// (read once each), everything else from the variables. module.json files are read through a
// callback, so this stays testable without a disk.
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Finding } from '../findings.js';
import type { PlaceholderResolver, PlaceholderToken, Resolution } from './expand-placeholders.js';
import { parseImagePlaceholder, readModuleJson, resolveImage, type ModuleJsonRead } from './module-images.js';
import type { Variables } from './variables.js';

export interface ResolverSettings {
  variables: Variables;
  templateFile: string;
  /** Folder holding one folder per module (iotedgedev's MODULES_PATH, relative to the template). */
  modulesDir: string;
  platform: string;
  /** Reads a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
}

export interface TemplateResolver {
  resolve: PlaceholderResolver;
  /** Problems found in module.json files (placed in those files). */
  moduleFindings(): Finding[];
}

export function variableResolver(variables: Variables): PlaceholderResolver {
  return (token: PlaceholderToken): Resolution => {
    const value: unknown = variables.get(token.name);
    if (typeof value === 'string') return { value }; // never an inherited function such as toString
    const where = variables.envFile ? `the environment or ${variables.envFile}` : 'the environment or a .env file (--env FILE)';
    return { missing: `is not set; set ${token.name} in ${where}, or pass --allow-unresolved to keep the placeholder` };
  };
}

export function templateResolver(settings: ResolverSettings): TemplateResolver {
  const fromVariables = variableResolver(settings.variables);
  const cache = new Map<string, ModuleJsonRead | undefined>();
  const findings: Finding[] = [];
  const load = (folder: string): ModuleJsonRead | undefined => {
    const file = join(folder, 'module.json');
    if (!cache.has(file)) {
      const text = settings.readFile(file);
      const read = text === undefined ? undefined : readModuleJson(file, text, fromVariables);
      if (read && !read.ok) findings.push(...read.findings);
      cache.set(file, read);
    }
    return cache.get(file);
  };
  const resolve: PlaceholderResolver = (token) => {
    const image = token.braced ? parseImagePlaceholder(token.name) : undefined;
    if (!image) return fromVariables(token);
    const folder = image.kind === 'MODULES' ? join(settings.modulesDir, image.folder) : resolvePath(dirname(settings.templateFile), image.folder);
    const read = load(folder);
    if (!read) return { missing: `cannot be resolved: there is no ${join(folder, 'module.json')} to take the image repository and version from${image.kind === 'MODULES' ? '; point --modules-dir at the folder that holds the module folders' : ''}` };
    if (!read.ok) return { missing: `cannot be resolved: ${read.reason}` };
    return resolveImage(image, read.module, settings.platform, settings.variables.get('CONTAINER_TAG') ?? '');
  };
  return { resolve, moduleFindings: () => [...findings] };
}
