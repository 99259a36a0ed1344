// Untagged or :latest images: edgeAgent pulls on create only, so devices drift apart and a
// rollback cannot name what ran before.
import { appendPointer } from '../manifest/json-pointer.js';
import { findPlaceholder } from '../manifest/placeholders.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { Rule, RuleReport } from './rule.js';

/** The tag of an image reference, or undefined: a colon after the last slash (not a registry port). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon === -1 ? undefined : withoutDigest.slice(colon + 1);
}

export const imageTagRule: Rule = {
  meta: {
    id: 'image-tag',
    defaultSeverity: 'warning',
    description: 'An image without a tag, or tagged :latest, so devices may run different code for the same deployment.',
    fixable: false,
    docs: { sources: ['Docker: an untagged image reference means :latest', 'IoT Edge: imagePullPolicy on-create pulls only when the module is created'] },
    messages: {
      untagged: 'image "{{image}}" has no tag, so it means :latest; pin a version such as "{{image}}:1.0.0" (or a digest) so every device runs the same code',
      latest: 'image "{{image}}" uses :latest; pin a version (or a digest) so every device runs the same code and a rollback is possible',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const settings = module.definition.settings;
      if (!isPlainObject(settings) || typeof settings.image !== 'string' || settings.image === '') continue;
      const image = settings.image;
      if (findPlaceholder(image) || image.includes('<') || image.includes('@sha256:')) continue; // filled in later, or pinned by digest
      const tag = imageTag(image);
      const pointer = appendPointer(module.pointer, 'settings', 'image');
      if (tag === undefined) reports.push({ messageId: 'untagged', data: { image }, pointer });
      else if (tag === 'latest') reports.push({ messageId: 'latest', data: { image }, pointer });
    }
    return reports;
  },
};
