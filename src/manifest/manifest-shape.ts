// Finds modulesContent in the shapes IoT Edge tooling accepts: plain, the legacy `moduleContent`
// key, and the `{"content": …}` wrapper that `az iot edge deployment create` takes.
import type { LoadProblem } from '../findings.js';

export type ManifestShape = 'modulesContent' | 'legacy-moduleContent' | 'content-wrapper' | 'fragment' | 'not-a-manifest';

export interface LocatedModulesContent {
  shape: ManifestShape;
  /** Pointer of the modulesContent object ('' for a bare {"$edgeAgent": …} fragment). */
  pointer: string;
  modulesContent: Record<string, unknown> | undefined;
  /** The deprecated `moduleContent` name, for the schema rule to report. */
  problems: LoadProblem[];
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function locateModulesContent(root: unknown): LocatedModulesContent {
  if (!isPlainObject(root)) return { shape: 'not-a-manifest', pointer: '', modulesContent: undefined, problems: [] };
  if (isPlainObject(root.content)) {
    const inner = locateDirect(root.content, '/content');
    if (inner) return { ...inner, shape: 'content-wrapper' };
  }
  const direct = locateDirect(root, '');
  if (direct) return direct;
  if ('$edgeAgent' in root || '$edgeHub' in root) {
    return { shape: 'fragment', pointer: '', modulesContent: root, problems: [] };
  }
  return { shape: 'not-a-manifest', pointer: '', modulesContent: undefined, problems: [] };
}

function locateDirect(container: Record<string, unknown>, prefix: string): LocatedModulesContent | undefined {
  if ('modulesContent' in container) {
    const value = container.modulesContent;
    return { shape: 'modulesContent', pointer: `${prefix}/modulesContent`, modulesContent: isPlainObject(value) ? value : undefined, problems: [] };
  }
  if ('moduleContent' in container) {
    const value = container.moduleContent;
    const deprecated: LoadProblem = { ruleId: 'schema', messageId: 'deprecatedModuleContent', severity: 'warning', pointer: `${prefix}/moduleContent`, anchor: 'key' };
    return {
      shape: 'legacy-moduleContent',
      pointer: `${prefix}/moduleContent`,
      modulesContent: isPlainObject(value) ? value : undefined,
      problems: [deprecated],
    };
  }
  return undefined;
}

const MANIFEST_KEYS = /modulesContent|moduleContent|\$edgeAgent|\$edgeHub/;

/**
 * Whether a file found in a folder is one of ours to check: a manifest, or a file that does
 * not parse but mentions manifest keys. Other JSON and YAML (package.json, workflow files,
 * CloudFormation with custom tags) are skipped rather than reported.
 */
export function isManifestCandidate(text: string, manifest: { located: LocatedModulesContent } | undefined): boolean {
  return manifest ? manifest.located.shape !== 'not-a-manifest' : MANIFEST_KEYS.test(text);
}
