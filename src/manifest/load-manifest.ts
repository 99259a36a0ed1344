// Loads one manifest for the library: reads it through the guarded loader (regular files and
// stdin only, size limit), parses JSON or YAML, and normalizes it into the manifest model. A
// path that cannot be read is an InputError; text that is no document is a ManifestError that
// names the place.
import { ManifestError } from '../errors.js';
import { LineIndex } from './line-index.js';
import { normalizeManifest, type Flavour, type NormalizedManifest } from './normalize-manifest.js';
import { parseSource, stripByteOrderMark } from './parse-source.js';
import { readOneInput } from './read-one-input.js';
import type { SourceFormat } from './source-format.js';

export interface LoadManifestOptions {
  /** Treat it as a manifest or a template; by default its name and content decide, as in lint. */
  flavour?: Flavour;
  /** Base folder for a relative path (default: the process's). */
  cwd?: string;
  /** Stands in for stdin when the path is "-". */
  readStdin?: () => string;
}

export interface LoadedManifest {
  /** The path as given, or "<stdin>". */
  file: string;
  format: SourceFormat;
  /** The text as read (a byte order mark left out). */
  text: string;
  /** The document as parsed; isDeploymentManifest() tells whether the schema accepts it. */
  value: unknown;
  /** The manifest model: modulesContent found, modules listed, createOptions joined and parsed. */
  manifest: NormalizedManifest;
}

export async function loadManifest(path: string, options: LoadManifestOptions = {}): Promise<LoadedManifest> {
  const input = readOneInput(path, options.cwd ?? '.', options.readStdin);
  const text = stripByteOrderMark(input.text); // the text parse offsets count in
  const parsed = await parseSource({ file: input.file, text });
  if (!parsed.ok) {
    const place = new LineIndex(text).locate(parsed.finding.offset ?? 0);
    throw new ManifestError(parsed.finding.message, 'unparsable', { file: input.file, line: place.line, column: place.column });
  }
  const manifest = await normalizeManifest(parsed.source.value, { flavour: options.flavour, file: input.file });
  return { file: input.file, format: parsed.source.format, text, value: parsed.source.value, manifest };
}
