// Placeholders that a generator fills in later: ${VAR} and $VAR (iotedgedev `solution genconfig`,
// the VS Code extension) and <Token> (string substitution in Azure Pipelines, as in
// Azure/iotedge's e2e manifests: <Container_Registry>, <Build.BuildNumber>).
// IoT Edge's own `$` names are camelCase or lowercase ($edgeHub, $upstream, $connectionDeviceId,
// $body, $schema), so a bare $name counts only when it is UPPER_CASE ($CONTAINER_REGISTRY_PASSWORD)
// or snake_case ($lora_version).

export interface Placeholder {
  text: string;
  /** Offset in the string, in UTF-16 code units (as JSON string offsets are counted). */
  offset: number;
}

// `$$` is an escaped dollar (or part of a literal such as a password), never a placeholder.
const PLACEHOLDER = /\$\{[^}]+\}|(?<!\$)\$[A-Za-z_][A-Za-z0-9_]*|<[A-Za-z][A-Za-z0-9_.]*>/g;

function isPlaceholderName(token: string): boolean {
  if (!token.startsWith('$') || token.startsWith('${')) return true;
  const name = token.slice(1);
  return /[A-Za-z]/.test(name) && (name === name.toUpperCase() || name.includes('_'));
}

export function findPlaceholders(text: string): Placeholder[] {
  const found: Placeholder[] = [];
  if (!text.includes('$') && !text.includes('<')) return found; // most strings: no regex needed
  for (const match of text.matchAll(PLACEHOLDER)) {
    if (isPlaceholderName(match[0])) found.push({ text: match[0], offset: match.index });
  }
  return found;
}

/** The first placeholder in a string, if any. */
export function findPlaceholder(text: string): string | undefined {
  return findPlaceholders(text)[0]?.text;
}

export function holdsPlaceholder(text: string): boolean {
  return findPlaceholders(text).length > 0;
}
