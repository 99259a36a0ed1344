// Writes a manifest value back as text in the format and indentation of the file it came from,
// so a patched or merged file reads like its source.
import type { SourceFormat } from '../manifest/source-format.js';

export async function serializeManifest(value: unknown, format: SourceFormat, originalText: string): Promise<string> {
  if (format === 'yaml') {
    const { stringify } = await import('yaml');
    return stringify(value);
  }
  return `${JSON.stringify(value, null, detectIndent(originalText))}\n`;
}

/** The indentation of the first indented line: "\t", or a number of spaces (2 when unknown). */
export function detectIndent(text: string): string | number {
  const match = /^([ \t]+)\S/m.exec(text);
  if (!match) return 2;
  return match[1]!.startsWith('\t') ? '\t' : match[1]!.length;
}
