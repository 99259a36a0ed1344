// `diff --format patch`: the RFC 6902 patch from A to B, which `edgewise patch` (or any RFC 6902
// tool) applies to A's file. Unless secrets are shown, secret values are masked like everywhere
// else (mask-patch.ts), which makes those operations write "****".
import { maskPatchOperations } from '../diff/mask-patch.js';
import { maskSecrets } from '../manifest/mask-secrets.js';
import type { DiffView } from './diff-view.js';
import type { Formatter } from './formatter.js';

export const diffPatchFormatter: Formatter<DiffView> = {
  name: 'patch',
  render: ({ diff, showSecrets, patch }) => {
    if (!patch) throw new Error('the patch format needs the patch: pass `await diff.patch()`');
    if (showSecrets) return `${JSON.stringify(patch.operations, null, 2)}\n`;
    return maskSecrets(`${JSON.stringify(maskPatchOperations(patch, diff.secrets), null, 2)}\n`, diff.secrets);
  },
};
