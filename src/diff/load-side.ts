// Loads one side of a diff: a manifest file, or, with layers, the effective manifest of a base
// deployment and its layered deployments (what a device receives), so that diff shows what
// adding or changing a layer does.
import { locateModulesContent } from '../manifest/manifest-shape.js';
import { InputError } from '../errors.js';
import type { LayerRef } from '../merge/layer-args.js';
import { mergeLayers } from '../merge/merge-layers.js';
import type { DiffSide } from './diff-manifests.js';
import { readManifestDocument } from '../manifest/read-manifest-document.js';

export const NOT_A_MANIFEST = 'not a deployment manifest; expected {"modulesContent": {"$edgeAgent": …, "$edgeHub": …}} (or {"content": {"modulesContent": …}})';

export async function loadSide(path: string, layers: readonly LayerRef[], readStdin?: () => string): Promise<DiffSide & { warnings: string[] }> {
  const base = await readManifestDocument(path, readStdin);
  if (base.value !== undefined && locateModulesContent(base.value).shape === 'not-a-manifest') {
    throw new InputError(`${base.file}: ${NOT_A_MANIFEST}`);
  }
  if (layers.length === 0) return { file: base.file, value: base.value, warnings: [] };
  const loaded = await Promise.all(layers.map(async (layer) => ({ ...(await readManifestDocument(layer.path, readStdin)), priority: layer.priority })));
  const merged = mergeLayers(base, loaded);
  const label = `${base.file} + ${merged.applied.map((layer) => `${layer.file}@${layer.priority}`).join(' + ')}`;
  return { file: label, value: merged.value, warnings: merged.warnings };
}
