// `edgewise offline plan MANIFEST --rate MSGS_PER_S --size SIZE [--disk SIZE]`: reads the
// manifest and plans how long the device can stay offline before messages are lost, and why.
// It writes no file, so there is nothing to lint; a manifest that does not parse, or is no
// deployment manifest, is a ManifestError. Sizes given as text (from the command line) are read
// by size-option.ts, whose warnings come back with the plan.
import { LineIndex } from '../manifest/line-index.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { InputError, ManifestError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
import { planOffline, type OfflinePlan } from './offline-plan.js';
import { readSizeOption, type SizeOptionName } from './size-option.js';

export interface OfflinePlanOptions {
  /** Messages per second reaching $upstream routes. */
  rate: number;
  /** Bytes per message (body plus application properties): a number of bytes, or text such as "512" or "4KB". */
  size: number | string;
  /** Free space for edgeHub's storage folder: a number of bytes, or text such as "8GB". */
  disk?: number | string;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  readStdin?: () => string;
}

/** The plan of one manifest: what `offline plan --format json` prints. */
export type OfflinePlanReport = { file: string } & OfflinePlan;

export interface PlannedFile {
  report: OfflinePlanReport;
  /** About the sizes given as text (a unit read in an unusual way…). */
  warnings: string[];
}

/** Why a manifest cannot be planned for: ManifestError codes. */
export const OFFLINE_PLAN_FAILURES = ['unparsable', 'not-a-manifest'] as const;

export async function planOfflineFile(path: string, options: OfflinePlanOptions): Promise<PlannedFile> {
  if (!(Number.isFinite(options.rate) && options.rate > 0)) throw new InputError('--rate must be a number of messages per second above 0, e.g. --rate 10');
  const warnings: string[] = [];
  const bytesOf = (name: SizeOptionName, value: number | string): number => {
    if (typeof value === 'number') {
      if (!(Number.isInteger(value) && value > 0)) throw new InputError(`--${name} must be a whole number of bytes above 0, e.g. --${name} ${name === 'disk' ? '8GB' : '512'}`);
      return value;
    }
    const reading = readSizeOption(name, value);
    if (reading.warning !== undefined) warnings.push(reading.warning);
    return reading.bytes;
  };
  const size = bytesOf('size', options.size);
  const disk = options.disk === undefined ? undefined : bytesOf('disk', options.disk);
  const cwd = options.cwd ?? '.';
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  const text = stripByteOrderMark(input.text); // the text parse offsets count in
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    const place = new LineIndex(text).locate(parsed.finding.offset ?? 0);
    throw new ManifestError(parsed.finding.message, 'unparsable', { file, line: place.line, column: place.column });
  }
  const manifest = await normalizeManifest(parsed.source.value, { file });
  if (manifest.located.shape === 'not-a-manifest') throw new ManifestError(`${file} is not a deployment manifest (no modulesContent)`, 'not-a-manifest');
  return { report: { file, ...planOffline(manifest, { rate: options.rate, size, disk }) }, warnings };
}
