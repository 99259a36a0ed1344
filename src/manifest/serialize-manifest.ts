// Writes a manifest value back as text in the format and indentation of the file it came from,
// so a patched or merged file reads like its source. YAML is written by convert's JSON-to-YAML
// writer (json-to-yaml.ts): strings read back identical and createOptions stay strings, as in
// `edgewise convert`. It is loaded only for YAML; not the `yaml` package through a dynamic
// import, whose bundled chunk has a default export only (merge and patch failed on every YAML
// base with "stringify is not a function").
import type { SourceFormat } from './source-format.js';

export async function serializeManifest(value: unknown, format: SourceFormat, originalText: string): Promise<string> {
  const document = value ?? null; // a patch may remove everything
  if (format === 'yaml') {
    const { jsonToYaml } = await import('./json-to-yaml.js');
    return jsonToYaml(JSON.stringify(document), document).text;
  }
  return `${JSON.stringify(document, null, detectIndent(originalText))}\n`;
}

/** The indentation of the first indented line: "\t", or a number of spaces (2 when unknown). */
export function detectIndent(text: string): string | number {
  const match = /^([ \t]+)\S/m.exec(text);
  if (!match) return 2;
  return match[1]!.startsWith('\t') ? '\t' : match[1]!.length;
}
