// Decides whether a JSON parse failure is a template that a script fills in as text: the text
// stops being JSON exactly at a placeholder written outside any string (`"env": __ASA_ENV__`,
// `"timeToLiveSecs": ${TTL}`, a bare `<create option>` line). Tools that treat a template as text
// substitute first and parse after (iotedgedev runs os.path.expandvars before json.loads;
// deploy scripts `sed` or `-replace` the tokens), so IoT Hub never sees this text: it is not an
// error of the file, only a reason the other checks cannot run. A failure anywhere else (a
// trailing comma, merge-conflict markers, a missing brace) stays an error.
import type { LoadProblem, PendingFinding } from '../findings.js';
import { findFillInText } from '../manifest/fill-in-text.js';
import { LineIndex } from '../manifest/line-index.js';
import { findPlaceholders } from '../manifest/placeholders.js';

/**
 * How far around the failure a placeholder is looked for: tokens are short, and a window keeps
 * the search bounded on a minified file that is one long line.
 */
const WINDOW = 256;

export interface FailurePlaceholder {
  text: string;
  /** Where the placeholder starts in the text (the parser may stop inside it). */
  offset: number;
}

/** The placeholder the parser stopped at, if the failure at `offset` is one. */
export function placeholderAtFailure(text: string, offset: number): FailurePlaceholder | undefined {
  const lineStart = Math.max(text.lastIndexOf('\n', offset - 1) + 1, offset - WINDOW);
  const newline = text.indexOf('\n', offset);
  const lineEnd = Math.min(newline === -1 ? text.length : newline, offset + WINDOW);
  const line = text.slice(lineStart, lineEnd);
  const at = offset - lineStart;
  // The parser may stop inside the token rather than at its start: `{{x}}` opens an object
  // at the first `{` and fails at the second.
  const covering = findPlaceholders(line).find((found) => found.offset <= at && at < found.offset + found.text.length);
  if (covering) return { text: covering.text, offset: lineStart + covering.offset };
  // A line that is only a bracketed token (`["$spi_dev"]`, `[$reset_pin]`): the LoRaWAN starter
  // kit's provisioning CLI replaces such lines of its gateway template with env entries.
  const bracketToken = /^(\s*)(\[\s*"?\$[A-Za-z_][\w.]*"?\s*\])\s*,?\s*$/.exec(line);
  if (bracketToken && at <= bracketToken[1]!.length) return { text: bracketToken[2]!, offset: lineStart + bracketToken[1]!.length };
  // A `<…>` fill-in with spaces (`<create option>`) is fill-in text, not a token; only the
  // bracketed form counts here, since a bare word such as TODO is no substitution syntax.
  const fillIn = findFillInText(line.slice(at));
  return fillIn?.offset === 0 && fillIn.text.startsWith('<') ? { text: fillIn.text, offset } : undefined;
}

/**
 * The parse rule's problem for a text that does not parse: at a placeholder, an `info` that it
 * is not JSON until substituted; otherwise the parser's own description, unchanged. `text` is
 * the text the failure's offset counts in (byte order mark removed).
 */
export function parseFailureProblem(text: string, failure: PendingFinding): LoadProblem {
  const unparsable: LoadProblem = { ruleId: 'parse', messageId: 'unparsable', data: { reason: failure.message }, severity: failure.severity, pointer: '', offset: failure.offset };
  // Refusals (too deep, alias bombs, custom tags) are about the text as it is: never downgraded.
  if (failure.offset === undefined || !failure.message.startsWith('invalid ')) return unparsable;
  const placeholder = placeholderAtFailure(text, failure.offset);
  if (placeholder === undefined) return unparsable;
  const { line, column } = new LineIndex(text).locate(placeholder.offset);
  return { ruleId: 'parse', messageId: 'placeholder', data: { placeholder: placeholder.text, line, column }, severity: 'info', pointer: '', offset: placeholder.offset };
}
