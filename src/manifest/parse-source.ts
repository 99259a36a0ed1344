// Parses one file's text into a value, with positions available on demand. Every command parses
// through here, so the guards live here once: byte order mark, empty file, nesting depth (checked
// before any recursive walk), and, for YAML, alias bombs and cycles, custom tags and several
// documents (yaml-source.ts). A value that comes out is a tree no deeper than MAX_NESTING_DEPTH.
// JSON takes the fast path (JSON.parse); its position tree is built only if something needs placing.
import type { PendingFinding } from '../findings.js';
import { checkParsedJson } from './json-fast.js';
import { JsonLocator } from './json-locator.js';
import { excessDepthOffset, tooDeepFindingAt } from './nesting-depth.js';
import { detectFormat, type SourceFormat } from './source-format.js';
import type { DuplicateKey, SourceTree } from './source-tree.js';

// The position parsers (and the yaml library) load only when needed, to keep start-up fast.
const loadJsonSource = () => import('./json-source.js');
const loadYamlSource = () => import('./yaml-source.js');

export interface SourceText {
  /** Display name: a path, or "<stdin>". */
  file: string;
  text: string;
}

export interface ParsedSource extends SourceText {
  format: SourceFormat;
  value: unknown;
  /** Full position tree, built on first use. */
  tree(): Promise<SourceTree>;
  /** Positions of just these pointers (and their ancestors): cheaper than the full tree for JSON. */
  locator(pointers: readonly string[]): Promise<SourceTree>;
}

export type ParseSourceResult =
  /** `duplicateKeys`: keys given twice in one object (the parser keeps the second), as data for the duplicate-key rule and for the commands that refuse to edit such text. */
  | { ok: true; source: ParsedSource; duplicateKeys: DuplicateKey[] }
  | { ok: false; finding: PendingFinding };

const BYTE_ORDER_MARK = '\uFEFF';

export function stripByteOrderMark(text: string): string {
  return text.startsWith(BYTE_ORDER_MARK) ? text.slice(1) : text;
}

const EMPTY_FILE = 'the file is empty: it holds no document';

export async function parseSource(input: SourceText): Promise<ParseSourceResult> {
  const text = stripByteOrderMark(input.text);
  if (text.trim() === '') return { ok: false, finding: parseFinding(EMPTY_FILE, 0) };
  const format = detectFormat(input.file, text);
  return format === 'json' ? parseJsonSource(input.file, text) : parseYamlSource(input.file, text);
}

async function parseJsonSource(file: string, text: string): Promise<ParseSourceResult> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // The position parser that explains the error recurses, so depth is checked first.
    const tooDeep = excessDepthOffset(text);
    if (tooDeep !== undefined) return { ok: false, finding: tooDeepFindingAt(tooDeep) };
    const slow = (await loadJsonSource()).parseJsonTree(text);
    const failure = slow.ok ? { message: 'the file is not valid JSON', offset: 0 } : slow.error;
    return { ok: false, finding: parseFinding(`invalid JSON: ${failure.message}`, failure.offset) };
  }
  let cachedTree: Promise<SourceTree> | undefined;
  const tree = (): Promise<SourceTree> => {
    cachedTree ??= loadJsonSource().then(({ parseJsonTree }) => {
      const slow = parseJsonTree(text);
      if (!slow.ok) throw new Error(`JSON.parse accepted what the position parser refused: ${slow.error.message}`);
      return slow.tree;
    });
    return cachedTree;
  };
  const locator = async (pointers: readonly string[]): Promise<SourceTree> => (cachedTree ? cachedTree : new JsonLocator(text, pointers));
  // JSON.parse does not recurse; the walks after it do, so depth is checked before them, in the
  // walk that counts keys for the duplicate-key check anyway (no extra pass on the hot path).
  const check = checkParsedJson(text, value);
  if (check === 'nests-too-deep') return { ok: false, finding: tooDeepFindingAt(excessDepthOffset(text) ?? 0) };
  const source: ParsedSource = { file, text, format: 'json', value, tree, locator };
  const duplicateKeys = check === 'may-have-duplicate-keys' ? (await source.tree()).duplicateKeys() : [];
  return { ok: true, source, duplicateKeys };
}

async function parseYamlSource(file: string, text: string): Promise<ParseSourceResult> {
  const parsed = (await loadYamlSource()).parseYamlTree(text);
  if (!parsed.ok) {
    const message = parsed.error.refused ? parsed.error.message : `invalid YAML: ${parsed.error.message}`;
    return { ok: false, finding: parseFinding(message, parsed.error.offset) };
  }
  const tree = () => Promise.resolve(parsed.tree);
  const source: ParsedSource = { file, text, format: 'yaml', value: parsed.value, tree, locator: tree };
  return { ok: true, source, duplicateKeys: parsed.tree.duplicateKeys() };
}

function parseFinding(message: string, offset: number): PendingFinding {
  return { ruleId: 'parse', severity: 'error', message, pointer: '', offset };
}
