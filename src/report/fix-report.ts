// What `--fix` did and what `--fix-dry-run` would do, as text: for --fix, one line per changed
// value (file:line, rule, before → after) and a count; for a dry run, a unified diff of each file
// (which `patch -p0` or `git apply -p0` can apply) and a count.
import type { FixChange, FixedFile } from '../findings.js';
import { parsePointer } from '../manifest/json-pointer.js';
import type { Formatter } from './formatter.js';
import { unifiedDiff } from './unified-diff.js';

/** Values longer than this are cut, so that each fix stays on one line. */
const MAX_VALUE = 60;

function shorten(json: string): string {
  return json.length > MAX_VALUE ? `${json.slice(0, MAX_VALUE - 1)}…` : json;
}

/** The last two keys of the pointer (e.g. HostConfig.Binds): enough to recognise the place near the finding's line. */
function placeName(pointer: string): string {
  const segments = parsePointer(pointer).filter((segment) => segment !== '-');
  return segments.slice(-2).join('.');
}

function describeChange(change: FixChange): string {
  const place = placeName(change.pointer);
  if (change.pointer.endsWith('/-')) return `${place}: + ${shorten(change.after ?? '')}`;
  if (change.after === undefined) return `${place}: ${shorten(change.before ?? '(none)')} → (removed)`;
  if (change.before === change.after) return `${place}: rewritten, value unchanged`;
  return `${place}: ${change.before === undefined ? '(none)' : shorten(change.before)} → ${shorten(change.after)}`;
}

function problems(count: number): string {
  return `${count} problem${count === 1 ? '' : 's'}`;
}

/** For --fix: each applied change, then the count. */
export function formatAppliedFixes(fixed: FixedFile): string {
  let text = '';
  for (const fix of fixed.applied) {
    for (const change of fix.changes) text += `${fixed.file}:${fix.line}  ${fix.ruleId}  ${describeChange(change)}\n`;
  }
  if (fixed.count > 0) text += `fixed ${problems(fixed.count)} in ${fixed.file}\n`;
  return text + leftUndone(fixed);
}

/** Fixes the editor could not write (a YAML alias on the path, a duplicate key): said, never skipped silently. */
function leftUndone(fixed: FixedFile): string {
  if (fixed.unfixable === undefined) return '';
  return `could not fix ${fixed.file}${fixed.count > 0 ? ' further' : ''}: ${fixed.unfixable}\n`;
}

/** For --fix-dry-run: the diff of the file (secrets already masked in the preview). */
export function formatFixPreview(fixed: FixedFile, color: boolean): string {
  if (!fixed.preview) return '';
  const diff = unifiedDiff(fixed.preview.before, fixed.preview.after, fixed.file);
  if (!color) return diff;
  return diff.replace(/^([-+@].*)$/gm, (line) => `\u001b[${line.startsWith('@') ? 36 : line.startsWith('-') ? 31 : 32}m${line}\u001b[0m`);
}

/** The one-line count for a dry run. */
export function formatWouldFix(fixed: FixedFile): string {
  return (fixed.count > 0 ? `would fix ${problems(fixed.count)} in ${fixed.file}\n` : '') + leftUndone(fixed);
}

/** For --fix: each applied change, then the count. */
export const appliedFixFormatter: Formatter<FixedFile> = { name: 'applied', render: formatAppliedFixes };

/** For --fix-dry-run: the diff of the file (which `patch -p0` or `git apply -p0` can apply). */
export const fixPreviewFormatter: Formatter<FixedFile> = { name: 'preview', render: (fixed, { color }) => formatFixPreview(fixed, color) };

/** For --fix-dry-run: the count. */
export const wouldFixFormatter: Formatter<FixedFile> = { name: 'would-fix', render: formatWouldFix };
