// `edgewise patch MANIFEST PATCH.json [--output FILE]`: applies an RFC 6902 patch to a manifest,
// lints the result and writes it only if it has no lint errors. Returns a CommandResult.
import type { Flavour } from '../manifest/normalize-manifest.js';
import type { CommandResult } from '../report/command-result.js';
import { applyManifestPatch } from './apply-manifest-patch.js';
import { lintBeforeWrite } from '../lint/lint-before-write.js';
import { readManifestDocument } from '../manifest/read-manifest-document.js';
import { serializeManifest } from '../manifest/serialize-manifest.js';

export interface PatchOptions {
  /** Write the result here instead of stdout. */
  output?: string;
  /** Lint the result as a manifest or a template (default: by the manifest's file name). */
  flavour?: Flavour;
  /** Colour in the refusal report. */
  color?: boolean;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export async function runPatch(manifestPath: string, patchPath: string, options: PatchOptions = {}): Promise<CommandResult> {
  const [manifest, patch] = await Promise.all([readManifestDocument(manifestPath, options.readStdin), readManifestDocument(patchPath, options.readStdin)]);
  const patched = applyManifestPatch(manifest.value, patch.value, patch.file);
  const text = await serializeManifest(patched, manifest.format, manifest.text);
  return lintBeforeWrite({ command: 'patch', file: manifest.file, text, output: options.output, flavour: options.flavour, color: options.color, originalText: manifest.text });
}
