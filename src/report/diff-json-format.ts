// `diff --format json`: the change list (diff-report.ts), pretty-printed, with secret values
// masked in every string unless they are to be shown.
import { diffReport } from '../diff/diff-report.js';
import { maskSecrets } from '../manifest/mask-secrets.js';
import type { DiffView } from './diff-view.js';
import type { Formatter } from './formatter.js';

export const diffJsonFormatter: Formatter<DiffView> = {
  name: 'json',
  render: ({ diff, showSecrets }) => {
    const text = `${JSON.stringify(diffReport(diff, { showSecrets }), null, 2)}\n`;
    return showSecrets ? text : maskSecrets(text, diff.secrets);
  },
};
