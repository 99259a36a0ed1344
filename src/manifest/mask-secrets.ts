// Masks secrets in any text a command prints: messages, reports, diffs, fix previews. Never in a
// manifest a command is asked to write. Three nets, in order:
// 1. known values (secrets.ts finds them), wherever they appear, even inside a longer string;
// 2. what the text itself shows to be secret, known or not: the key part of a connection string
//    or SAS token, and the value of `SECRET_NAME=value`;
// 3. the start of a known value that a message cut short with "…".
// Time is linear in the text however many secrets there are: with many, known values are found
// with a trie instead of searched one by one.
import { findFillInText } from './fill-in-text.js';
import { isPlaceholderOnly } from './placeholders.js';
import { assignedSecrets } from './secret-names.js';

export const MASK = '****';

/**
 * Whether a value hides anything worth masking. Left out: values that messages must quote, namely
 * placeholders filled in later (`${X}`, `#{X}#`, `<CR.Password>`), fill-in text left for a human,
 * switches, paths to mounted secret files, the mask itself, and one or two characters.
 */
export function isWorthMasking(secret: string): boolean {
  const text = secret.trim();
  if ([...text].length < 3 || /^\*+$/.test(text)) return false;
  if (/^(true|false|null|yes|no|on|off)$/i.test(text)) return false;
  if (/^(\/|\.\/|~\/|[A-Za-z]:\\|file:\/\/)\S*$/.test(text)) return false;
  return !isPlaceholderOnly(text) && findFillInText(text)?.text !== text;
}

/**
 * Whether a secret is masked wherever it appears, even inside a longer word: long enough and
 * unlike the words messages are made of. A short one, or a plain lower-case word shorter than 12
 * letters (a registry password "password"), is masked only where it stands as a whole value:
 * between quotes, after `=`, or after `: ` at the end of a line (YAML); masking the word
 * everywhere would mask the messages' own words.
 */
function isDistinctive(secret: string): boolean {
  return secret.length >= 12 || (secret.length >= 6 && /[^a-z]/.test(secret));
}

/** The forms a secret takes in text: as written, and inside a JSON string (messages quote values with JSON.stringify). */
function formsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return json === secret ? [secret] : [secret, json];
}

/** Above this many forms, known values are found with a trie instead of searched one by one. */
const FEW = 16;
/** The shortest cut start that is masked, and how far back from "…" a cut value may start. */
const CUT = 6;
const CUT_REACH = 120;

/** Distinctive forms, character by character: `end` marks where a whole form ends. */
interface TrieNode {
  next: Map<number, TrieNode>;
  end: boolean;
}

interface Matcher {
  /** Forms of distinctive secrets, longest first. */
  distinctive: string[];
  /** The same forms as a trie, built when first needed (many forms, or a cut to look at). */
  trie?: TrieNode;
  /** Short and lower-case secrets (at most 11 characters), masked where they stand as a whole value. */
  weak: Set<string>;
}

/**
 * A whole value: after the start of a line, a quote, `=` or `: `, up to a quote, `;`, `&`, a
 * backslash (an escaped quote in JSON) or the end of the line. One candidate per start, at most
 * 11 characters long (isDistinctive), so the scan is linear.
 */
const WHOLE_VALUE = /(?<=^|["'=]|: )[^"';&\\\n]{3,11}(?=$|["';&\\])/gm;

/** One matcher per list (lists are not changed once made): a file's findings are masked with the same list, one after another. */
const MATCHERS = new WeakMap<readonly string[], Matcher>();

function matcherFor(secrets: readonly string[]): Matcher {
  let matcher = MATCHERS.get(secrets);
  if (matcher) return matcher;
  const distinctive = new Set<string>();
  const weak = new Set<string>();
  for (const secret of secrets) {
    if (secret.length < 3) continue;
    for (const form of formsOf(secret)) (isDistinctive(secret) ? distinctive : weak).add(form);
  }
  const byLength = (a: string, b: string): number => b.length - a.length;
  matcher = { distinctive: [...distinctive].sort(byLength), weak };
  MATCHERS.set(secrets, matcher);
  return matcher;
}

function trieOf(matcher: Matcher): TrieNode {
  if (matcher.trie) return matcher.trie;
  const root: TrieNode = { next: new Map(), end: false };
  for (const form of matcher.distinctive) {
    let node = root;
    for (let index = 0; index < form.length; index++) {
      const code = form.charCodeAt(index);
      let child = node.next.get(code);
      if (!child) {
        child = { next: new Map(), end: false };
        node.next.set(code, child);
      }
      node = child;
    }
    node.end = true;
  }
  matcher.trie = root;
  return root;
}

/** Masks known secrets, the secret parts of connection strings and assignments, and secrets cut short by "…". */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  const matcher = matcherFor(secrets);
  return maskCutSecrets(maskSecretShapes(maskKnown(text, matcher)), matcher);
}

function maskKnown(text: string, matcher: Matcher): string {
  let masked = text;
  if (matcher.distinctive.length > FEW) masked = maskWithTrie(masked, trieOf(matcher));
  else {
    for (const form of matcher.distinctive) if (masked.includes(form)) masked = masked.split(form).join(MASK);
  }
  return matcher.weak.size > 0 ? masked.replace(WHOLE_VALUE, (value) => (matcher.weak.has(value) ? MASK : value)) : masked;
}

/** Leftmost, longest first. Each position walks only as far as some form still matches. */
function maskWithTrie(text: string, trie: TrieNode): string {
  const parts: string[] = [];
  let kept = 0;
  for (let at = 0; at < text.length; ) {
    let node: TrieNode | undefined = trie;
    let longest = 0;
    for (let index = at; node && index < text.length; index++) {
      node = node.next.get(text.charCodeAt(index));
      if (node?.end) longest = index + 1 - at;
    }
    if (longest === 0) {
      at++;
      continue;
    }
    parts.push(text.slice(kept, at), MASK);
    at += longest;
    kept = at;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

/**
 * Masks what the text itself shows to be secret, without knowing any value: the key part of a
 * connection string or SAS token, and the value of `SECRET_NAME=value`. The last net for output
 * whose secrets are not known (see report/formatters.ts).
 */
export function maskSecretShapes(text: string): string {
  const found = assignedSecrets(text).filter((assigned) => isWorthMasking(assigned.value));
  if (found.length === 0) return text;
  const parts: string[] = [];
  let kept = 0;
  for (const { offset, value } of found) {
    parts.push(text.slice(kept, offset), MASK);
    kept = offset + value.length;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

/**
 * The start of a known secret right before "…": a quote cut before masking could see the whole
 * value (`"a!Lg5tR8wQ2n…`). Cuts keep the start, so only the text before the mark is looked at,
 * and only CUT_REACH characters back, which bounds the work per mark.
 */
function maskCutSecrets(text: string, matcher: Matcher): string {
  if (!text.includes('…') || matcher.distinctive.length === 0) return text;
  const trie = trieOf(matcher);
  const parts: string[] = [];
  let kept = 0;
  for (let mark = text.indexOf('…'); mark !== -1; mark = text.indexOf('…', mark + 1)) {
    const start = cutStart(text, Math.max(kept, mark - CUT_REACH), mark, trie);
    if (start === undefined) continue;
    parts.push(text.slice(kept, start), MASK);
    kept = mark;
  }
  parts.push(text.slice(kept));
  return parts.join('');
}

/** The first position from which the text up to `mark` (at least CUT characters) starts some form. */
function cutStart(text: string, from: number, mark: number, trie: TrieNode): number | undefined {
  for (let start = from; start <= mark - CUT; start++) {
    let node: TrieNode | undefined = trie;
    for (let index = start; node && index < mark; index++) node = node.next.get(text.charCodeAt(index));
    if (node) return start;
  }
  return undefined;
}
