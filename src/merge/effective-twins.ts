// The desired properties of every twin in one deployment's modulesContent, with flattened
// ("properties.desired.x.y") keys folded in, so that a layered deployment and a standard one
// can be read alike.
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOfSection, type Desired } from './apply-twin-section.js';

export type EffectiveTwins = Map<string, Desired>;

export function effectiveTwins(modulesContent: Record<string, unknown> | undefined): EffectiveTwins {
  const twins: EffectiveTwins = new Map();
  for (const [name, section] of Object.entries(modulesContent ?? {})) {
    if (isPlainObject(section)) twins.set(name, desiredOfSection(section));
  }
  return twins;
}

/** A full-form modulesContent for the given twins (what a device receives). */
export function toModulesContent(twins: EffectiveTwins): Record<string, unknown> {
  const content: Record<string, unknown> = {};
  for (const [name, desired] of twins) content[name] = { 'properties.desired': desired };
  return content;
}
