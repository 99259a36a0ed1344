// Untagged, :latest or moving-tag images (latest-amd64): edgeAgent pulls on create only, so
// devices drift apart and a rollback cannot name what ran before. A placeholder in the registry
// part (`${ACR}/app:latest`, `$(registry)/app`) does not change the tag, so those are reported;
// a placeholder in the name or tag (`${MODULES.filter}`, `app:#{TAG}#`) is filled in later.
import { appendPointer } from '../manifest/json-pointer.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { parseImageReference } from '../manifest/docker/image-reference.js';
import type { Rule, RuleReport } from './rule.js';

/** Tags that point at a new build whenever one is pushed: latest with a platform, such as latest-amd64 or arm32v7-latest. */
const MOVING_TAG = /^(latest[-_.][\w.-]+|[\w.-]+[-_.]latest)$/i;

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
    description: 'An image without a tag, or tagged :latest or a moving tag such as :latest-amd64, so devices may run different code for the same deployment.',
    fixable: false,
    docs: { sources: ['Docker: an untagged image reference means :latest', 'IoT Edge: imagePullPolicy on-create pulls only when the module is created'] },
    messages: {
      untagged: 'image "{{image}}" has no tag, so it means :latest; pin a version such as "{{image}}:1.0.0" (or a digest) so every device runs the same code',
      latest: 'image "{{image}}" uses :latest; pin a version (or a digest) so every device runs the same code and a rollback is possible',
      movingTag:
        'image "{{image}}" uses the moving tag :{{tag}}, which names whatever was pushed last; edgeAgent pulls only when it creates the module, so devices end up on different builds. Pin a version (or a digest) so every device runs the same code and a rollback is possible',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const settings = module.definition.settings;
      if (!isPlainObject(settings) || typeof settings.image !== 'string' || settings.image === '') continue;
      const image = settings.image;
      const { repository, tag, digest } = parseImageReference(image);
      if (digest !== undefined) continue; // pinned by digest (or to be)
      if (holdsPlaceholder(tag ?? repository)) continue; // the tag is filled in later
      const pointer = appendPointer(module.pointer, 'settings', 'image');
      if (tag === undefined) reports.push({ messageId: 'untagged', data: { image }, pointer });
      else if (tag.toLowerCase() === 'latest') reports.push({ messageId: 'latest', data: { image }, pointer });
      else if (MOVING_TAG.test(tag)) reports.push({ messageId: 'movingTag', data: { image, tag }, pointer });
    }
    return reports;
  },
};
