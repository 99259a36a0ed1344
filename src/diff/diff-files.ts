// `edgewise diff A B`: loads two manifests (each optionally with layered deployments merged onto
// it), or takes documents already parsed (a twin from the cloud), and compares them by meaning.
// Returns the diff as data; formats are src/report/'s. An unreadable side is an InputError.
import { InputError } from '../errors.js';
import { locateModulesContent } from '../manifest/manifest-shape.js';
import type { LayerRef } from '../merge/layer-args.js';
import { diffManifests, type DiffSide, type ManifestDiff } from './diff-manifests.js';
import { loadSide, NOT_A_MANIFEST } from './load-side.js';

/** A side of a diff: a path ("-" for stdin), or a document and the name to show for it. */
export type DiffInput = string | DiffSide;

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

export async function diffFiles(inputA: DiffInput, inputB: DiffInput, options: DiffFilesOptions = {}): Promise<FileDiff> {
  if (inputA === '-' && inputB === '-') throw new InputError('only one side can be read from stdin (-)');
  const [a, b] = await Promise.all([sideOf(inputA, options.layersA ?? [], options.readStdin), sideOf(inputB, options.layersB ?? [], options.readStdin)]);
  const diff = await diffManifests({ file: options.labelA ?? a.file, value: a.value }, { file: options.labelB ?? b.file, value: b.value });
  return { diff, warnings: [...a.warnings, ...b.warnings] };
}

async function sideOf(input: DiffInput, layers: readonly LayerRef[], readStdin: (() => string) | undefined): Promise<DiffSide & { warnings: string[] }> {
  if (typeof input === 'string') return loadSide(input, layers, readStdin);
  if (layers.length > 0) throw new InputError(`${input.file}: layers are merged onto a manifest file; pass its path`);
  if (input.value !== undefined && locateModulesContent(input.value).shape === 'not-a-manifest') throw new InputError(`${input.file}: ${NOT_A_MANIFEST}`);
  return { file: input.file, value: input.value, warnings: [] };
}
