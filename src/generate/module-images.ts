// Image placeholders resolved from modules/<dir>/module.json, as iotedgedev builds them
// (iotedgedev modules.py `_update_module_maps`, module.py):
// - the tag is `<image.repository lowercased>:<image.tag.version><-CONTAINER_TAG>-<platform>`,
//   e.g. `localhost:5000/filtermodule:0.0.1-amd64`, or `…:0.0.1-ci42-amd64` with CONTAINER_TAG=ci42;
// - `${MODULES.<dir>.<platform>}` takes any key of image.tag.platforms ("amd64", "amd64.debug"…);
// - `${MODULES.<dir>}` is the default platform (--platform, amd64 by default) and
//   `${MODULES.<dir>.debug}` is `<platform>.debug`;
// - `${MODULEDIR<relative/path>…}` does the same for a module folder named by path from the template;
// - module.json itself is expanded from the environment first (repository is often
//   `${CONTAINER_REGISTRY_SERVER}/filtermodule`); a missing version is "0.0.0", as in iotedgedev.
import type { Finding } from '../findings.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { LineIndex } from '../manifest/line-index.js';
import { expandJsonText, type PlaceholderResolver, type Resolution } from './expand-placeholders.js';

export const DEFAULT_PLATFORM = 'amd64';
const DEFAULT_VERSION = '0.0.0';

export interface ModuleImage {
  /** The module.json path, for messages. */
  file: string;
  repository: string;
  version: string;
  /** Keys of image.tag.platforms, in file order. */
  platforms: string[];
}

export type ModuleJsonRead = { ok: true; module: ModuleImage } | { ok: false; findings: Finding[]; reason: string };

export type ImagePlaceholder = { kind: 'MODULES'; folder: string; suffix?: string } | { kind: 'MODULEDIR'; folder: string; suffix?: string };

/** `MODULES.filtermodule.amd64` → folder filtermodule, suffix amd64; `MODULEDIR<./m>.debug` → folder ./m, suffix debug. */
export function parseImagePlaceholder(name: string): ImagePlaceholder | undefined {
  const modules = /^MODULES\.([^.]+)(?:\.(.+))?$/.exec(name);
  if (modules) return { kind: 'MODULES', folder: modules[1]!, suffix: modules[2] };
  const moduleDir = /^MODULEDIR<(.+)>(?:\.(.+))?$/.exec(name);
  if (moduleDir) return { kind: 'MODULEDIR', folder: moduleDir[1]!, suffix: moduleDir[2] };
  return undefined;
}

export function moduleImageTag(module: ModuleImage, platform: string, containerTag: string): string {
  const tag = containerTag.trim() === '' ? '' : `-${containerTag.trim()}`;
  return `${module.repository.toLowerCase()}:${module.version}${tag}-${platform}`;
}

/** Which platform key a placeholder asks for. */
export function wantedPlatform(placeholder: ImagePlaceholder, defaultPlatform: string): string {
  if (placeholder.suffix === undefined) return defaultPlatform;
  return placeholder.suffix === 'debug' ? `${defaultPlatform}.debug` : placeholder.suffix;
}

export function resolveImage(placeholder: ImagePlaceholder, module: ModuleImage, defaultPlatform: string, containerTag: string): Resolution {
  const platform = wantedPlatform(placeholder, defaultPlatform);
  if (!module.platforms.includes(platform)) {
    const listed = module.platforms.length === 0 ? 'no platforms' : `only ${module.platforms.join(', ')}`;
    return { missing: `has no ${platform} image: ${module.file} lists ${listed} under image.tag.platforms; add "${platform}": "./Dockerfile…" there${placeholder.suffix === undefined ? ', or pick another with --platform' : ''}` };
  }
  return { value: moduleImageTag(module, platform, containerTag) };
}

/** Parses a module.json after expanding its own placeholders from the environment. */
export function readModuleJson(file: string, text: string, resolveVariable: PlaceholderResolver): ModuleJsonRead {
  const expanded = expandJsonText(text, resolveVariable);
  const lines = new LineIndex(text);
  const at = (offset: number, message: string, ruleId = 'unresolved-placeholder'): Finding => ({ file, ruleId, severity: 'error', message, pointer: '', ...lines.locate(offset) });
  if (expanded.unresolved.length > 0) {
    const findings = expanded.unresolved.map((entry) => at(entry.offset, `${entry.token.text} ${entry.reason}`));
    return { ok: false, findings, reason: `${file} holds ${expanded.unresolved.map((entry) => entry.token.text).join(', ')}, which ${expanded.unresolved.length === 1 ? 'is' : 'are'} not set` };
  }
  let root: unknown;
  try {
    root = JSON.parse(expanded.text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, findings: [at(0, `${file} is not valid JSON (${(error as Error).message})`, 'parse')], reason: `${file} is not valid JSON` };
  }
  const image = isPlainObject(root) ? root.image : undefined;
  const repository = isPlainObject(image) ? image.repository : undefined;
  if (typeof repository !== 'string' || repository.trim() === '') {
    const reason = `${file} has no image.repository, so there is no image name to build the tag from`;
    return { ok: false, findings: [at(0, reason, 'schema')], reason };
  }
  const tag = isPlainObject(image) ? image.tag : undefined;
  const version = isPlainObject(tag) && tag.version !== undefined ? String(tag.version) : DEFAULT_VERSION;
  const platforms = isPlainObject(tag) && isPlainObject(tag.platforms) ? Object.keys(tag.platforms) : [];
  return { ok: true, module: { file, repository: repository.trim(), version, platforms } };
}
