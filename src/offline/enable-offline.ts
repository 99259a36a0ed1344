// `edgewise offline enable MANIFEST`: applies the offline settings to a JSON or YAML manifest,
// keeping the rest of the document as written, then lints the result; a result with errors must
// not be written. Running it twice changes nothing the second time. A manifest that cannot be
// read or edited safely is a ManifestError.
import { isAbsolute, join } from 'node:path';
import { checkOutput, type OutputCheck, type WriteRefusal } from '../lint/write-gate.js';
import { applyFixesToText, toRawEdits, UneditableTextError } from '../lint/apply-fixes.js';
import { LineIndex } from '../manifest/line-index.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { describeDuplicateKey } from '../rules/duplicate-key.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { InputError, ManifestError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
import { detectFormat } from '../manifest/source-format.js';
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

export interface OfflineEnableResult {
  /** The manifest read: its path as given, or "<stdin>". */
  file: string;
  /** The manifest with the offline settings (and the input's byte order mark, if it had one). */
  text: string;
  /** False when the manifest already had these settings. */
  changed: boolean;
  /** What changed, one line each. */
  changes: string[];
  /** What the user should know and was left alone. */
  notes: string[];
  /** The file to write as named (--in-place: the input; --output), or undefined for stdout. */
  target?: string;
  /** `target` joined to `cwd`; undefined when nothing is to be written (stdout, or --in-place with no change). */
  path?: string;
  /** The result linted. */
  check: OutputCheck;
  /** Set when the result has lint errors: then it must not be written. */
  refusal?: WriteRefusal;
}

/** Why a manifest cannot be given offline settings: ManifestError codes. */
export const OFFLINE_ENABLE_FAILURES = ['unparsable', 'duplicate-key', 'offline-settings', 'uneditable'] as const;

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

export async function enableOffline(path: string, options: OfflineEnableOptions = {}): Promise<OfflineEnableResult> {
  checkOptions(path, options);
  const cwd = options.cwd ?? '.';
  const at = (file: string): string => (isAbsolute(file) ? file : join(cwd, file));
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  // Edits are made in the text the loader parsed (offsets count in it); a byte order mark is put back on output.
  const text = stripByteOrderMark(input.text);
  const byteOrderMark = input.text.slice(0, input.text.length - text.length);
  const failure = (code: (typeof OFFLINE_ENABLE_FAILURES)[number], offset: number | undefined, message: string): ManifestError => {
    const place = new LineIndex(text).locate(offset ?? 0);
    return new ManifestError(message, code, { file, line: place.line, column: place.column });
  };

  const parsed = await parseSource({ file, text });
  if (!parsed.ok) throw failure('unparsable', parsed.finding.offset, parsed.finding.message);
  // JSON.parse keeps the second of two equal keys, the text editor would meet the first.
  const duplicate = parsed.duplicateKeys[0];
  if (duplicate) throw failure('duplicate-key', duplicate.secondOffset, `${describeDuplicateKey(duplicate)}; offline enable cannot tell which one to edit`);
  const format = parsed.source.format;
  if (options.output !== undefined && detectFormat(options.output, text) !== format) {
    throw new InputError(`--output ${options.output} names another format than ${path} (${format === 'json' ? 'JSON' : 'YAML'}); keep the format, and use edgewise convert to change it`);
  }
  const manifest = await normalizeManifest(parsed.source.value, { file });
  let planned;
  try {
    planned = offlineEdits(manifest, options);
  } catch (error) {
    if (error instanceof OfflineEditError) throw new ManifestError(error.message, 'offline-settings', { file });
    throw error;
  }
  let updated: string;
  try {
    updated = planned.edits.length === 0 ? text : applyFixesToText(text, format, toRawEdits([{ edits: planned.edits }], parsed.source.value, manifest.createOptions));
  } catch (error) {
    if (error instanceof UneditableTextError) throw failure('uneditable', undefined, `offline enable cannot edit this file: ${error.message}`);
    throw error;
  }
  const target = options.inPlace ? path : options.output;
  const check = await checkOutput(target ?? file, updated);
  const changed = updated !== text;
  const written = target !== undefined && (changed || !options.inPlace);
  const refusal: WriteRefusal | undefined = check.ok
    ? undefined
    : { command: 'offline enable', target: target ?? 'stdout', subject: 'the manifest with offline settings', positions: 'output', errors: check.errors, findings: check.findings };
  return {
    file,
    text: byteOrderMark + updated,
    changed,
    changes: planned.changes,
    notes: planned.notes,
    ...(target === undefined ? {} : { target }),
    ...(written && !refusal ? { path: at(target) } : {}),
    check,
    ...(refusal && { refusal }),
  };
}
