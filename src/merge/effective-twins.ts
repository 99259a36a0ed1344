// The desired properties of every twin in one deployment's modulesContent, with flattened
// ("properties.desired.x.y") keys folded in, so that a layered deployment and a standard one
// can be read alike.
import { setOwn, UnsafePathError } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOfSection, type Desired } from './apply-twin-section.js';

export type EffectiveTwins = Map<string, Desired>;

export function effectiveTwins(modulesContent: Record<string, unknown> | undefined): EffectiveTwins {
  const twins: EffectiveTwins = new Map();
  for (const [name, section] of Object.entries(modulesContent ?? {})) {
    if (isPlainObject(section)) twins.set(name, inTwin(name, () => desiredOfSection(section)));
  }
  return twins;
}

/** Runs `apply`, naming the twin in a refused path ("modulesContent.x "properties.desired.__proto__…" names …"). */
export function inTwin<T>(name: string, apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    if (error instanceof UnsafePathError) throw new UnsafePathError(`modulesContent.${name} ${error.message}`, error.segment);
    throw error;
  }
}

/** A full-form modulesContent for the given twins (what a device receives). */
export function toModulesContent(twins: EffectiveTwins): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  // Twin names are the user's keys: a twin named "__proto__" must stay an entry.
  for (const [name, desired] of twins) setOwn(content, name, { 'properties.desired': desired });
  return content;
}
