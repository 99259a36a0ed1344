// Placeholders left by templates: ${VAR}, $VAR (iotedgedev, VS Code) and <Token> (Azure/iotedge CI).

const PLACEHOLDER = /\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*/;

/** IoT Edge's own `$` names: route sinks and system twins (and their misspellings), not placeholders. */
const EDGE_NAMES = /^\$(upstream|edge[a-z]*)$/i;

/** The first ${…} or $VAR placeholder in a string, if any. */
export function findPlaceholder(value: string): string | undefined {
  const pattern = new RegExp(PLACEHOLDER.source, 'g');
  for (const match of value.matchAll(pattern)) if (!EDGE_NAMES.test(match[0])) return match[0];
  return undefined;
}
