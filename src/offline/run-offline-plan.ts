// `edgewise offline plan MANIFEST --rate MSGS_PER_S --size SIZE [--disk SIZE]`: reads the
// manifest and says how long the device can stay offline before messages are lost, and why.
// It writes no file, so there is nothing to lint; a manifest that does not parse is an error.
// Sizes given as text (from the command line) are read by size-option.ts, whose warnings go to stderr.
import { LineIndex } from '../manifest/line-index.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { InputError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
import type { CommandResult } from '../report/command-result.js';
import { planOffline } from './offline-plan.js';
import { renderPlan, type PlanFormat } from './plan-report.js';
import { readSizeOption, type SizeOptionName } from './size-option.js';

export interface OfflinePlanOptions {
  /** Messages per second reaching $upstream routes. */
  rate: number;
  /** Bytes per message (body plus application properties): a number of bytes, or text such as "512" or "4KB". */
  size: number | string;
  /** Free space for edgeHub's storage folder: a number of bytes, or text such as "8GB". */
  disk?: number | string;
  format?: PlanFormat;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  readStdin?: () => string;
}

export async function runOfflinePlan(path: string, options: OfflinePlanOptions): Promise<CommandResult> {
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
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new InputError(`--format must be table or json, not "${String(format)}"`);
  const cwd = options.cwd ?? '.';
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  const text = stripByteOrderMark(input.text); // the text parse offsets count in
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    const place = new LineIndex(text).locate(parsed.finding.offset ?? 0);
    return { exitCode: 1, stdout: '', stderr: `edgewise: ${file}:${place.line}:${place.column}  ${parsed.finding.message}\n`, files: [] };
  }
  const manifest = await normalizeManifest(parsed.source.value, { file });
  if (manifest.located.shape === 'not-a-manifest') return { exitCode: 1, stdout: '', stderr: `edgewise: ${file} is not a deployment manifest (no modulesContent)\n`, files: [] };
  const plan = planOffline(manifest, { rate: options.rate, size, disk });
  return { exitCode: 0, stdout: renderPlan(file, plan, format), stderr: warnings.map((warning) => `edgewise: warning: ${warning}\n`).join(''), files: [] };
}
