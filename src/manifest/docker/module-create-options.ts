// A module's joined createOptions (normalized once per file) and its HostConfig.
import type { AgentModule } from '../agent-modules.js';
import { createOptionsOfModule } from './create-options-index.js';
import type { JoinedCreateOptions } from './join-create-options.js';
import { getAtPointer } from '../json-pointer.js';
import type { NormalizedManifest } from '../normalize-manifest.js';
import { memberOf, type Member } from '../case-insensitive-member.js';

export function createOptionsOf(manifest: NormalizedManifest, module: AgentModule): JoinedCreateOptions | undefined {
  // Through the index: rules call this once per module, and a scan per call is quadratic.
  return createOptionsOfModule(manifest.createOptions, module.pointer);
}

export function hostConfigOf(options: JoinedCreateOptions | undefined): Member | undefined {
  return options?.value ? memberOf(options.value, options.pointer, 'HostConfig') : undefined;
}

/**
 * True when the module has createOptions that could not be read (not JSON even to edgeAgent's
 * lenient reader, not an object, chunks with a gap or of the wrong type): the checks that read
 * them have nothing to look at. Empty, blank and "null" options are no options, not unread ones.
 */
export function isUnread(manifest: NormalizedManifest, options: JoinedCreateOptions): boolean {
  if (options.value !== undefined || options.form === 'object') return false;
  if (options.invalidJson || options.problems.length > 0) return true;
  return options.chunks.some((chunk) => typeof getAtPointer(manifest.value, chunk.pointer) !== 'string');
}

/**
 * True when a fix may rewrite these options: they parsed (or are empty), and every chunk is a
 * string without a gap, so re-serialising loses nothing.
 */
export function canRewrite(manifest: NormalizedManifest, options: JoinedCreateOptions): boolean {
  if (options.form === 'object') return true;
  if (options.invalidJson || options.problems.length > 0) return false;
  return options.chunks.every((chunk) => typeof getAtPointer(manifest.value, chunk.pointer) === 'string');
}
