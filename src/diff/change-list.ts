// The change list: every difference in meaning between two comparable manifests, each with its
// JSON Pointer in the normalized model, old and new values, kind, owner and impact. Maps are keyed
// by name (modules, env vars, routes, credentials), so order and array position never matter;
// arrays inside createOptions or twins are compared whole.
import { isDeepStrictEqual } from 'node:util';
import { toPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { ComparableManifest } from './comparable-manifest.js';
import { impactOf, type Impact } from './impact.js';

export type ChangeKind = 'added' | 'removed' | 'changed';
export type Section = 'module' | 'routes' | 'storeAndForward' | 'registryCredentials' | 'agentSettings' | 'hubSettings';

export interface Change {
  /** RFC 6901 pointer in the normalized model, e.g. /modules/filter/env/LOG_LEVEL. */
  pointer: string;
  segments: string[];
  kind: ChangeKind;
  old?: unknown;
  new?: unknown;
  section: Section;
  /** The module a module or twin change belongs to. */
  module?: string;
  impact: Impact;
}

const SECTION_OF: Record<string, Section> = {
  modules: 'module',
  twins: 'module',
  routes: 'routes',
  storeAndForward: 'storeAndForward',
  registryCredentials: 'registryCredentials',
  agentSettings: 'agentSettings',
  hubSettings: 'hubSettings',
};

export function listChanges(a: ComparableManifest, b: ComparableManifest): Change[] {
  const changes: Change[] = [];
  compare(a, b, [], changes);
  return changes;
}

function compare(a: unknown, b: unknown, segments: string[], out: Change[]): void {
  if (isDeepStrictEqual(a, b)) return;
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...Object.keys(a), ...Object.keys(b).filter((key) => !(key in a))];
    for (const key of keys) compare(a[key], b[key], [...segments, key], out);
    return;
  }
  const kind: ChangeKind = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed';
  const [top, name] = segments;
  const change: Change = { pointer: toPointer(segments), segments, kind, section: SECTION_OF[top!] ?? 'hubSettings', impact: impactOf(segments, kind) };
  if ((top === 'modules' || top === 'twins') && name !== undefined) change.module = name;
  if (a !== undefined) change.old = a;
  if (b !== undefined) change.new = b;
  out.push(change);
}
