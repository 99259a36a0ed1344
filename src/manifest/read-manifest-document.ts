// The I/O edge of diff, patch and merge: reads one manifest file (or stdin) into a value.
// A file that cannot be read or parsed is a usage error (exit 2) that names the place.
// An empty file (git passes /dev/null for an added or deleted file) is an empty manifest.
import { placeFindings } from './place-findings.js';
import { parseSource, stripByteOrderMark } from './parse-source.js';
import { InputError } from '../errors.js';
import { readOneInput } from './read-one-input.js';
import { detectFormat, type SourceFormat } from './source-format.js';

export interface ManifestDocument {
  /** Display name: the path, or "<stdin>". */
  file: string;
  text: string;
  /** Undefined for an empty file. */
  value: unknown;
  format: SourceFormat;
}

export async function readManifestDocument(path: string, readStdin?: () => string): Promise<ManifestDocument> {
  const input = readOneInput(path, process.cwd(), readStdin);
  return parseManifestText(input.file, input.text);
}

export async function parseManifestText(file: string, text: string): Promise<ManifestDocument> {
  if (text.trim() === '') return { file, text, value: undefined, format: detectFormat(file, text) };
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    // The finding's offset counts in the text without its byte order mark.
    const [placed] = await placeFindings(file, stripByteOrderMark(text), [parsed.finding]);
    throw new InputError(`${file}:${placed!.line}:${placed!.column}: ${placed!.message}`);
  }
  return { file, text, value: parsed.source.value, format: parsed.source.format };
}
