// The one placeholder recogniser: text that a generator or a release pipeline replaces before
// IoT Hub sees the manifest. Every rule asks this module, so a placeholder is never a literal
// secret, never an image tag to pin, and never an error in a template.
//   dollar-brace     ${VAR}, ${MODULES.filter.amd64}   iotedgedev `solution genconfig`, the VS Code extension
//   dollar           $VAR, $lora_version               the same tools (see isDollarName for IoT Edge's own `$` names)
//   azure-pipelines  $(VAR), $(Build.BuildNumber), ${{ parameters.x }}   Azure Pipelines macro and template expressions
//   replace-tokens   #{VAR}#, #VAR#                    the Replace Tokens task (qetza.replacetokens) and its `#` style
//   tokenizer        __VAR__, __VAR                    the Tokenizer task, and scripts that `sed` a `__NAME` prefix away
//   mustache         {{VAR}}                           mustache / Jinja style; Go templates (`{{.Name}}`) are not placeholders
//   percent          %MODULE%, %MODULE_FOLDER%         iotedgedev's and the VS Code extension's solution scaffold
//   pipeline-token   <Token>, <Build.BuildNumber>      Azure/iotedge e2e manifests, replaced by the test pipeline
//   fill-in          <YOUR_KEY>, <your-registry>, {YOUR_WORKSPACE_ID}   for a human to fill in (metrics-collector docs)
// Prose in angle brackets (`<Use the key of …>`) is fill-in text, not a placeholder: see fill-in-text.ts.

export type PlaceholderKind = 'dollar-brace' | 'dollar' | 'azure-pipelines' | 'replace-tokens' | 'tokenizer' | 'mustache' | 'percent' | 'pipeline-token' | 'fill-in';

export interface Placeholder {
  text: string;
  /** Offset in the string, in UTF-16 code units (as JSON string offsets are counted). */
  offset: number;
  kind: PlaceholderKind;
}

export interface FindOptions {
  /**
   * The string is run by a shell in the container (createOptions Cmd, Entrypoint, Healthcheck):
   * `$VAR`, `${VAR}` and `$(command)` are the shell's own, filled from the container's env.
   */
  shell?: boolean;
}

// Alternatives are tried left to right at each offset, so `${{ x }}` is an Azure Pipelines
// expression before it is a `${…}`, and `{{X}}` is mustache before `{X}` is looked at.
// `$$` is an escaped dollar (or part of a literal such as a password), never a placeholder.
const PLACEHOLDER = new RegExp(
  [
    String.raw`(?<azure>(?<!\$)\$\{\{[^{}]*\}\}|(?<!\$)\$\([A-Za-z_][\w.-]*\))`,
    String.raw`(?<dollarBrace>\$\{[^}]+\})`,
    String.raw`(?<dollar>(?<!\$)\$[A-Za-z_]\w*)`,
    String.raw`(?<replaceTokens>#\{\s*[A-Za-z_][\w.-]*\s*\}#|(?<![\w#])#[A-Za-z_][\w.]*#(?![\w#]))`,
    String.raw`(?<tokenizer>(?<!\w)__[A-Z][A-Z0-9_]*[A-Z0-9](?:__)?(?![a-z0-9]))`,
    String.raw`(?<mustache>\{\{\s*[A-Za-z_][\w.-]*\s*\}\})`,
    String.raw`(?<percent>(?<![\w%])%[A-Z][A-Z0-9_]*%(?![\w%]))`,
    String.raw`(?<fillIn><your[\w.-]*>|\{your[_-][\w-]*\})`,
    String.raw`(?<token><[A-Za-z][\w.]*>)`,
  ].join('|'),
  'gi',
);

/** Characters one of the syntaxes starts with: most strings hold none, and skip the regex. */
const MAY_HOLD = /[$#<{%]|__/;

/**
 * IoT Edge's own `$` names are camelCase or lowercase ($edgeHub, $upstream, $connectionDeviceId,
 * $body, $schema), so a bare $name counts only when it is UPPER_CASE ($CONTAINER_REGISTRY_PASSWORD)
 * or snake_case ($lora_version).
 */
function isDollarName(name: string): boolean {
  return /[A-Za-z]/.test(name) && (name === name.toUpperCase() || name.includes('_'));
}

/**
 * `#VAR#` needs an upper-case letter, `_` or `.` in its name, as Replace Tokens variables have
 * (`#ACR_ADDRESS#`, `#Build.BuildId#`), so `a #b# c` in prose is not one; `p#ss#word` is not
 * one either, because a token stands apart from the letters around it.
 */
function isHashName(text: string): boolean {
  const name = text.slice(1, -1);
  return /[A-Z_.]/.test(name);
}

function kindOf(groups: Record<string, string | undefined>): PlaceholderKind | undefined {
  if (groups.azure !== undefined) return 'azure-pipelines';
  if (groups.dollarBrace !== undefined) return 'dollar-brace';
  if (groups.dollar !== undefined) return isDollarName(groups.dollar.slice(1)) ? 'dollar' : undefined;
  if (groups.replaceTokens !== undefined) return groups.replaceTokens.startsWith('#{') || isHashName(groups.replaceTokens) ? 'replace-tokens' : undefined;
  if (groups.tokenizer !== undefined) return isTokenizerName(groups.tokenizer) ? 'tokenizer' : undefined;
  if (groups.mustache !== undefined) return 'mustache';
  // iotedgedev's and the VS Code extension's scaffold (%MODULE%, %MODULE_FOLDER%), filled when a
  // module is added: upper case only, as the regex runs case-insensitively for the others.
  if (groups.percent !== undefined) return groups.percent === groups.percent.toUpperCase() ? 'percent' : undefined;
  if (groups.fillIn !== undefined) return 'fill-in';
  if (groups.token !== undefined) return 'pipeline-token';
  return undefined;
}

/**
 * `__NAME__`, or a bare `__NAME` prefix of at least three characters, upper case only (the
 * regex runs case-insensitively for the other syntaxes), so Python's `__init__` never counts.
 */
function isTokenizerName(text: string): boolean {
  if (text !== text.toUpperCase()) return false;
  return text.endsWith('__') ? text.length > 4 : text.length >= 5;
}

const SHELL_KINDS: ReadonlySet<PlaceholderKind> = new Set(['dollar', 'dollar-brace', 'azure-pipelines']);

export function findPlaceholders(text: string, options: FindOptions = {}): Placeholder[] {
  const found: Placeholder[] = [];
  if (!MAY_HOLD.test(text)) return found;
  for (const match of text.matchAll(PLACEHOLDER)) {
    const kind = kindOf(match.groups ?? {});
    if (kind === undefined || (options.shell && SHELL_KINDS.has(kind))) continue;
    found.push({ text: match[0], offset: match.index, kind });
  }
  return found;
}

/** The first placeholder in a string, if any. */
export function findPlaceholder(text: string): string | undefined {
  return findPlaceholders(text)[0]?.text;
}

/** One argument only, so it can be passed to `some` and `filter` as it is. */
export function holdsPlaceholder(text: string): boolean {
  return findPlaceholders(text).length > 0;
}

/** True when the whole string (spaces aside) is one placeholder, as in "image": "${MODULES.filter}". */
export function isPlaceholderOnly(text: string): boolean {
  const trimmed = text.trim();
  const found = findPlaceholders(trimmed);
  return found.length === 1 && found[0]!.text.length === trimmed.length;
}
