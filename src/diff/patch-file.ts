// `edgewise patch MANIFEST PATCH.json`: applies an RFC 6902 patch to a manifest, keeping its
// format and layout, and passes the result through the write gate: with lint errors it must
// not be written.
import type { Flavour } from '../manifest/normalize-manifest.js';
import { applyManifestPatch } from './apply-manifest-patch.js';
import { checkOutput, type OutputCheck, type WriteRefusal } from '../lint/write-gate.js';
import { readManifestDocument } from '../manifest/read-manifest-document.js';
import { serializeManifest } from '../manifest/serialize-manifest.js';

export interface PatchOptions {
  /** Lint the result as a manifest or a template (default: by the manifest's file name). */
  flavour?: Flavour;
  /** Where the caller writes the result (undefined: stdout); a refusal names it. */
  output?: string;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export interface PatchedManifest {
  /** The manifest patched: its path as given, or "<stdin>". */
  file: string;
  text: string;
  /** The result linted (positions in the result). */
  check: OutputCheck;
  /** Set when the result has lint errors: then it must not be written. */
  refusal?: WriteRefusal;
}

export async function patchFile(manifestPath: string, patchPath: string, options: PatchOptions = {}): Promise<PatchedManifest> {
  const [manifest, patch] = await Promise.all([readManifestDocument(manifestPath, options.readStdin), readManifestDocument(patchPath, options.readStdin)]);
  const patched = applyManifestPatch(manifest.value, patch.value, patch.file);
  const text = await serializeManifest(patched, manifest.format, manifest.text);
  const check = await checkOutput(manifest.file, text, { flavour: options.flavour, originalText: manifest.text });
  const refusal: WriteRefusal | undefined = check.ok
    ? undefined
    : { command: 'patch', target: options.output ?? 'stdout', subject: 'the result', positions: 'output', errors: check.errors, findings: check.findings };
  return { file: manifest.file, text, check, ...(refusal && { refusal }) };
}
