// `edgewise diff A B`: loads two manifests (each optionally with layered deployments merged onto
// it) and compares them by meaning. Returns the diff as data; formats are src/report/'s. An
// unreadable side is an InputError.
import { InputError } from '../errors.js';
import type { LayerRef } from '../merge/layer-args.js';
import { diffManifests, type ManifestDiff } from './diff-manifests.js';
import { loadSide } from './load-side.js';

export interface DiffFilesOptions {
  /** Layered deployments merged onto A before comparing. */
  layersA?: LayerRef[];
  /** Layered deployments merged onto B before comparing (diff A A --layers-b L shows what L does). */
  layersB?: LayerRef[];
  /** Names shown instead of the paths (git's external diff passes temporary files). */
  labelA?: string;
  labelB?: string;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export interface FileDiff {
  diff: ManifestDiff;
  /** About merging the layers (equal priorities…). */
  warnings: string[];
}

export async function diffFiles(pathA: string, pathB: string, options: DiffFilesOptions = {}): Promise<FileDiff> {
  if (pathA === '-' && pathB === '-') throw new InputError('only one side can be read from stdin (-)');
  const [a, b] = await Promise.all([loadSide(pathA, options.layersA ?? [], options.readStdin), loadSide(pathB, options.layersB ?? [], options.readStdin)]);
  const diff = await diffManifests({ file: options.labelA ?? a.file, value: a.value }, { file: options.labelB ?? b.file, value: b.value });
  return { diff, warnings: [...a.warnings, ...b.warnings] };
}
