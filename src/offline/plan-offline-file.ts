// `edgewise offline plan MANIFEST --rate MSGS_PER_S --size SIZE [--disk SIZE]`: reads the
// manifest (or takes a parsed document) and plans how long the device can stay offline before messages are lost, and why.
// It writes no file, so there is nothing to lint; a manifest that does not parse, or is no
// deployment manifest, is a ManifestError. Sizes given as text (from the command line) are read
// by size-option.ts, whose warnings come back with the plan.
import { InputError, ManifestError } from '../errors.js';
import { loadManifest } from '../manifest/load-manifest.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
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

/** What to plan for: a path ("-" for stdin), or a document already parsed (a twin from the cloud) and the name to show for it. */
export type PlanSource = string | { file: string; value: unknown };

export async function planOfflineFile(input: PlanSource, options: OfflinePlanOptions): Promise<PlannedFile> {
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
  const { file, manifest } = typeof input === 'string' ? await loadManifest(input, options) : { file: input.file, manifest: await normalizeManifest(input.value, { file: input.file }) };
  if (manifest.located.shape === 'not-a-manifest') throw new ManifestError(`${file} is not a deployment manifest (no modulesContent)`, 'not-a-manifest');
  return { report: { file, ...planOffline(manifest, { rate: options.rate, size, disk }) }, warnings };
}
