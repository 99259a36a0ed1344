// A module's joined createOptions (normalized once per file) and its HostConfig.
import type { AgentModule } from '../manifest/agent-modules.js';
import type { JoinedCreateOptions } from '../manifest/join-create-options.js';
import { appendPointer, getAtPointer } from '../manifest/json-pointer.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { memberOf, type Member } from './case-insensitive-member.js';

export function createOptionsOf(manifest: NormalizedManifest, module: AgentModule): JoinedCreateOptions | undefined {
  const settingsPointer = appendPointer(module.pointer, 'settings');
  return manifest.createOptions.find((options) => options.settingsPointer === settingsPointer);
}

export function hostConfigOf(options: JoinedCreateOptions | undefined): Member | undefined {
  return options?.value ? memberOf(options.value, options.pointer, 'HostConfig') : undefined;
}

/**
 * True when a fix may rewrite these options: they parsed (or are empty), and every chunk is a
 * string without a gap, so re-serialising loses nothing.
 */
export function canRewrite(manifest: NormalizedManifest, options: JoinedCreateOptions): boolean {
  if (options.form === 'object') return true;
  if (options.invalidJson || options.findings.length > 0) return false;
  return options.chunks.every((chunk) => typeof getAtPointer(manifest.source.value, chunk.pointer) === 'string');
}
