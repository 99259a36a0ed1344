// `edgewise merge BASE LAYERED… --priority N…`: the effective manifest a device receives from a
// standard deployment and layered deployments (merge-layers.ts has the rules and their
// sources), through the write gate: with lint errors it must not be written. A layer that holds the secret mask
// "****" is refused before merging: it would overwrite a real secret.
import { checkOutput, type OutputCheck, type WriteRefusal } from '../lint/write-gate.js';
import { MASKED_SECRET_HARM, maskedValuePointers } from '../manifest/masked-secret-values.js';
import { readManifestDocument } from '../manifest/read-manifest-document.js';
import { serializeManifest } from '../manifest/serialize-manifest.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { InputError } from '../errors.js';
import { maskableSecrets, maskSecrets, secretsIn } from '../manifest/secrets.js';
import type { LayerRef } from './layer-args.js';
import { mergeLayers } from './merge-layers.js';

export interface MergeOptions {
  /** Lint the result as a manifest or a template (default: by the base's file name). */
  flavour?: Flavour;
  /** Where the caller writes the result (undefined: stdout); a refusal names it. */
  output?: string;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export interface MergedManifest {
  /** The base deployment: its path as given, or "<stdin>". */
  file: string;
  text: string;
  /** About the layers (equal priorities…), secrets masked. */
  warnings: string[];
  /** The result linted (positions in the result). */
  check: OutputCheck;
  /** Set when the result has lint errors: then it must not be written. */
  refusal?: WriteRefusal;
}

export async function mergeFiles(basePath: string, layers: readonly LayerRef[], options: MergeOptions = {}): Promise<MergedManifest> {
  const base = await readManifestDocument(basePath, options.readStdin);
  const loaded = await Promise.all(layers.map(async (layer) => ({ ...(await readManifestDocument(layer.path, options.readStdin)), priority: layer.priority })));
  for (const layer of loaded) refuseMaskedValues(layer.file, layer.value);
  const merged = mergeLayers(base, loaded);
  const text = await serializeManifest(merged.value, base.format, base.text);
  // The findings quote the result, which may hold a copy of a layer's secret whose own place the
  // merge left out (a twin key outside "properties.desired"): masked with every layer's secrets.
  const layerSecrets = maskableSecrets(loaded.reduce((found, layer) => secretsIn(layer.value, found), new Set<string>()));
  const check = await checkOutput(base.file, text, { flavour: options.flavour, originalText: base.text, secrets: layerSecrets });
  const refusal: WriteRefusal | undefined = check.ok
    ? undefined
    : { command: 'merge', target: options.output ?? 'stdout', subject: 'the result', positions: 'output', errors: check.errors, findings: check.findings };
  return { file: base.file, text, warnings: merged.warnings.map((warning) => maskSecrets(warning, layerSecrets)), check, ...(refusal && { refusal }) };
}

function refuseMaskedValues(file: string, value: unknown): void {
  const [first, ...rest] = maskedValuePointers(value);
  if (first === undefined) return;
  const more = rest.length > 0 ? ` (and ${rest.length} more value${rest.length === 1 ? '' : 's'})` : '';
  throw new InputError(`${file}: ${first} holds a masked secret${more}; ${MASKED_SECRET_HARM}. Put the real value in the layered deployment`);
}
