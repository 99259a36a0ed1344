// `edgewise offline enable MANIFEST`: applies the offline settings to a JSON or YAML manifest,
// keeping the rest of the document as written, then lints the result; a result with errors is
// not written. Running it twice changes nothing the second time.
import { isAbsolute, join } from 'node:path';
import { checkOutput } from '../lint/check-output.js';
import { formatFindingLines, refusal } from '../generate/output-refusal.js';
import { applyFixesToText, toRawEdits, UneditableTextError } from '../lint/apply-fixes.js';
import { LineIndex } from '../manifest/line-index.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { describeDuplicateKey } from '../rules/duplicate-key.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { InputError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
import { detectFormat } from '../manifest/source-format.js';
import type { CommandResult } from '../report/command-result.js';
import { UPSTREAM_PROTOCOLS } from '../manifest/upstream-protocols.js';
import { OfflineEditError, offlineEdits, validateStoragePath, type OfflineSettings } from './offline-edits.js';

export interface OfflineEnableOptions extends OfflineSettings {
  /** Rewrite MANIFEST itself. */
  inPlace?: boolean;
  /** Write the result to this file (same format as MANIFEST). Without it or --in-place, the result goes to stdout. */
  output?: string;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  readStdin?: () => string;
}

function checkOptions(path: string, options: OfflineEnableOptions): void {
  if (options.inPlace && options.output !== undefined) throw new InputError('use either --in-place or --output, not both');
  if (options.inPlace && path === '-') throw new InputError('--in-place cannot rewrite stdin; use --output FILE, or read from a file');
  if (options.protocol !== undefined && !UPSTREAM_PROTOCOLS.includes(options.protocol)) throw new InputError(`--protocol must be one of ${UPSTREAM_PROTOCOLS.join(', ')}, not "${String(options.protocol)}"`);
  if (options.ttl !== undefined && !Number.isInteger(options.ttl)) throw new InputError(`--ttl must be a whole number of seconds (-1 keeps messages until delivered), not ${options.ttl}`);
  try {
    if (options.modulePath !== undefined) validateStoragePath('--module-path', options.modulePath, false);
    if (options.hostPath !== undefined) validateStoragePath('--host-path', options.hostPath, true);
    if (options.agentHostPath !== undefined) validateStoragePath('--agent-host-path', options.agentHostPath, true);
  } catch (error) {
    throw new InputError((error as Error).message);
  }
}

export async function runOfflineEnable(path: string, options: OfflineEnableOptions = {}): Promise<CommandResult> {
  checkOptions(path, options);
  const cwd = options.cwd ?? '.';
  const at = (file: string): string => (isAbsolute(file) ? file : join(cwd, file));
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  // Edits are made in the text the loader parsed (offsets count in it); a byte order mark is put back on output.
  const text = stripByteOrderMark(input.text);
  const byteOrderMark = input.text.slice(0, input.text.length - text.length);
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  const fail = (offset: number | undefined, message: string): CommandResult => {
    const place = new LineIndex(text).locate(offset ?? 0);
    return { ...result, exitCode: 1, stderr: `edgewise: ${file}:${place.line}:${place.column}  ${message}\n` };
  };

  const parsed = await parseSource({ file, text });
  if (!parsed.ok) return fail(parsed.finding.offset, parsed.finding.message);
  // JSON.parse keeps the second of two equal keys, the text editor would meet the first.
  const duplicate = parsed.duplicateKeys[0];
  if (duplicate) return fail(duplicate.secondOffset, `${describeDuplicateKey(duplicate)}; offline enable cannot tell which one to edit`);
  const format = parsed.source.format;
  if (options.output !== undefined && detectFormat(options.output, text) !== format) {
    throw new InputError(`--output ${options.output} names another format than ${path} (${format === 'json' ? 'JSON' : 'YAML'}); keep the format, and use edgewise convert to change it`);
  }
  const manifest = await normalizeManifest(parsed.source.value, { file });
  let planned;
  try {
    planned = offlineEdits(manifest, options);
  } catch (error) {
    if (error instanceof OfflineEditError) return { ...result, exitCode: 1, stderr: `edgewise: ${file}: ${error.message}\n` };
    throw error;
  }
  let updated: string;
  try {
    updated = planned.edits.length === 0 ? text : applyFixesToText(text, format, toRawEdits([{ edits: planned.edits }], parsed.source.value, manifest.createOptions));
  } catch (error) {
    if (error instanceof UneditableTextError) return fail(undefined, `offline enable cannot edit this file: ${error.message}`);
    throw error;
  }
  const target = options.inPlace ? path : options.output;
  const shown = target ?? file;
  const check = await checkOutput(shown, updated);
  if (!check.ok) return { ...result, exitCode: 1, stderr: refusal('the manifest with offline settings', shown, check.findings) };

  const changed = updated !== text;
  if (!changed) result.stderr += `edgewise: ${file} already has these offline settings; nothing to change\n`;
  for (const change of planned.changes) result.stderr += `edgewise: ${change}\n`;
  for (const note of planned.notes) result.stderr += `edgewise: note: ${note}\n`;
  result.stderr += formatFindingLines(check.findings);
  if (target === undefined) result.stdout = byteOrderMark + updated;
  else if (changed || !options.inPlace) {
    result.files.push({ path: at(target), text: byteOrderMark + updated });
    result.stderr += `edgewise: wrote ${target}\n`;
  }
  return result;
}
