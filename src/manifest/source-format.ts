// Decides whether text is JSON or YAML: by extension, or by sniffing for stdin and odd names.

export type SourceFormat = 'json' | 'yaml';

export function detectFormat(file: string, text: string): SourceFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  const firstSignificant = /\S/.exec(text)?.[0];
  return firstSignificant === '{' || firstSignificant === '[' ? 'json' : 'yaml';
}
