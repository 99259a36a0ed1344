// `edgewise offline plan MANIFEST --rate MSGS_PER_S --size BYTES [--disk BYTES]`: reads the
// manifest and says how long the device can stay offline before messages are lost, and why.
// It writes no file, so there is nothing to lint; a manifest that does not parse is an error.
import { LineIndex } from '../manifest/line-index.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { parseSource } from '../manifest/parse-source.js';
import { InputError } from '../manifest/read-inputs.js';
import { readOneInput } from '../manifest/read-one-input.js';
import type { CommandResult } from '../report/command-result.js';
import { planOffline } from './offline-plan.js';
import { renderPlan, type PlanFormat } from './plan-report.js';

export interface OfflinePlanOptions {
  /** Messages per second reaching $upstream routes. */
  rate: number;
  /** Bytes per message (body plus application properties). */
  size: number;
  /** Bytes free for edgeHub's storage folder. */
  disk?: number;
  format?: PlanFormat;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  readStdin?: () => string;
}

export async function runOfflinePlan(path: string, options: OfflinePlanOptions): Promise<CommandResult> {
  if (!(Number.isFinite(options.rate) && options.rate > 0)) throw new InputError('--rate must be a number of messages per second above 0, e.g. --rate 10');
  if (!(Number.isInteger(options.size) && options.size > 0)) throw new InputError('--size must be a whole number of bytes above 0, e.g. --size 512');
  if (options.disk !== undefined && !(Number.isFinite(options.disk) && options.disk > 0)) throw new InputError('--disk must be a number of bytes above 0, e.g. --disk 8GB');
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new InputError(`--format must be table or json, not "${String(format)}"`);
  const cwd = options.cwd ?? '.';
  const { file, text } = readOneInput(path, cwd, options.readStdin);
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    const place = new LineIndex(text).locate(parsed.finding.offset ?? 0);
    return { exitCode: 1, stdout: '', stderr: `edgewise: ${file}:${place.line}:${place.column}  ${parsed.finding.message}\n`, files: [] };
  }
  const manifest = await normalizeManifest(parsed.source);
  if (manifest.located.shape === 'not-a-manifest') return { exitCode: 1, stdout: '', stderr: `edgewise: ${file} is not a deployment manifest (no modulesContent)\n`, files: [] };
  const plan = planOffline(manifest, { rate: options.rate, size: options.size, disk: options.disk });
  return { exitCode: 0, stdout: renderPlan(file, plan, format), stderr: '', files: [] };
}
