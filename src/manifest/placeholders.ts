// Placeholders left by templates: ${VAR}, $VAR (iotedgedev, VS Code) and <Token> (Azure/iotedge CI).

const PLACEHOLDER = /\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*/;

/** The first ${…} or $VAR placeholder in a string, if any. `$upstream` and `$edgeHub` are not placeholders. */
export function findPlaceholder(value: string): string | undefined {
  const match = PLACEHOLDER.exec(value);
  if (!match) return undefined;
  if (/^\$(upstream|edgeAgent|edgeHub)$/.test(match[0])) return undefined;
  return match[0];
}
