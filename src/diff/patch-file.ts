// `edgewise patch MANIFEST PATCH.json`: applies an RFC 6902 patch to a manifest, keeping its
// format and layout, and lints the result: with lint errors it must not be written.
import type { Flavour } from '../manifest/normalize-manifest.js';
import { applyManifestPatch } from './apply-manifest-patch.js';
import { lintBeforeWrite, type ResultCheck } from '../lint/lint-before-write.js';
import { readManifestDocument } from '../manifest/read-manifest-document.js';
import { serializeManifest } from '../manifest/serialize-manifest.js';

export interface PatchOptions {
  /** Lint the result as a manifest or a template (default: by the manifest's file name). */
  flavour?: Flavour;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export interface PatchedManifest {
  /** The manifest patched: its path as given, or "<stdin>". */
  file: string;
  text: string;
  check: ResultCheck;
}

export async function patchFile(manifestPath: string, patchPath: string, options: PatchOptions = {}): Promise<PatchedManifest> {
  const [manifest, patch] = await Promise.all([readManifestDocument(manifestPath, options.readStdin), readManifestDocument(patchPath, options.readStdin)]);
  const patched = applyManifestPatch(manifest.value, patch.value, patch.file);
  const text = await serializeManifest(patched, manifest.format, manifest.text);
  return { file: manifest.file, text, check: await lintBeforeWrite({ file: manifest.file, text, flavour: options.flavour, originalText: manifest.text }) };
}
