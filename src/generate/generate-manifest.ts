// Generates a deployment manifest from a template, without touching the disk:
// placeholders expanded (at text level for JSON, as iotedgedev does), `$schema-template` removed,
// createOptions serialised into chunks, and the result written as 2-space JSON (iotedgedev's
// json.dump(indent=2)). Every problem is placed in the template, where the user fixes it.
import { parse as parseYaml, parseDocument, visit } from 'yaml';
import type { Finding, Severity } from '../findings.js';
import { LineIndex, type LineColumn } from '../manifest/line-index.js';
import { parsePointer, toPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { parseSource, stripByteOrderMark, type ParsedSource } from '../manifest/parse-source.js';
import type { DuplicateKey } from '../manifest/source-tree.js';
import { MAX_YAML_ALIAS_COUNT } from '../manifest/yaml-source.js';
import { describeDuplicateKey, duplicateKeyProblem } from '../rules/duplicate-key.js';
import { detectFormat } from '../manifest/source-format.js';
import { expandJsonText, expandString, type PlaceholderResolver } from './expand-placeholders.js';
import { serializeCreateOptions } from './serialize-create-options.js';

export interface TemplateSource {
  file: string;
  text: string;
}

export interface GenerateOptions {
  resolve: PlaceholderResolver;
  /** Keep unresolved placeholders (reported as warnings) instead of failing. */
  allowUnresolved?: boolean;
}

export interface GeneratedManifest {
  /** The manifest, or undefined when the template has errors. */
  text?: string;
  /** Problems, placed in the template: unresolved placeholders, parse errors, oversized createOptions. */
  findings: Finding[];
  /** Where a pointer of the generated manifest is written in the template: its key or value, else its nearest written ancestor. */
  locate(pointer: string, anchor?: 'key' | 'value'): Promise<LineColumn>;
}

export const SCHEMA_TEMPLATE_KEY = '$schema-template';

interface Parsed {
  value: unknown;
  /** Offset in the template of the node at a pointer (nearest existing ancestor). */
  offsetOf(pointer: string, anchor?: 'key' | 'value'): Promise<number>;
}

export async function generateManifest(template: TemplateSource, options: GenerateOptions): Promise<GeneratedManifest> {
  const text = stripByteOrderMark(template.text);
  const lines = new LineIndex(text);
  const finding = (offset: number, severity: Severity, ruleId: string, message: string, pointer = ''): Finding => ({ file: template.file, ruleId, severity, message, pointer, ...lines.locate(offset) });
  const duplicateFinding = (duplicate: DuplicateKey, toOriginal: (offset: number) => number): Finding => {
    const problem = duplicateKeyProblem(duplicate);
    return finding(toOriginal(duplicate.secondOffset), 'error', problem.ruleId, describeDuplicateKey(duplicate), problem.pointer);
  };
  const unresolvedSeverity: Severity = options.allowUnresolved ? 'warning' : 'error';
  const findings: Finding[] = [];
  const fail = (): GeneratedManifest => ({ findings: sortFindings(findings), locate: async () => ({ line: 1, column: 1 }) });

  let parsed: Parsed | undefined;
  if (detectFormat(template.file, text) === 'json') {
    const expanded = expandJsonText(text, options.resolve);
    for (const entry of expanded.unresolved) findings.push(finding(entry.offset, unresolvedSeverity, 'unresolved-placeholder', `${entry.token.text} ${entry.reason}`));
    if (findings.some((entry) => entry.severity === 'error')) return fail();
    const result = await parseSource({ file: template.file, text: expanded.text });
    if (!result.ok) {
      const offset = expanded.toOriginal(result.finding.offset ?? 0);
      const hint = expanded.unresolved.length > 0 ? ' (unresolved placeholders outside strings leave the file invalid; set them)' : '';
      findings.push(finding(offset, 'error', 'parse', `${result.finding.message}${hint}`));
      return fail();
    }
    const source = result.source;
    for (const duplicate of result.duplicateKeys) findings.push(duplicateFinding(duplicate, expanded.toOriginal));
    parsed = { value: source.value, offsetOf: async (pointer, anchor) => expanded.toOriginal(await offsetIn(source, pointer, anchor)) };
  } else {
    const yaml = await expandYaml(template.file, text, options.resolve);
    if (!yaml.ok) {
      findings.push(finding(yaml.offset, 'error', 'parse', yaml.message));
      return fail();
    }
    for (const entry of yaml.unresolved) findings.push(finding(entry.offset, unresolvedSeverity, 'unresolved-placeholder', `${entry.text} ${entry.reason}`));
    for (const duplicate of yaml.duplicates) findings.push(duplicateFinding(duplicate, (offset) => offset));
    if (findings.some((entry) => entry.severity === 'error')) return fail();
    parsed = { value: yaml.value, offsetOf: (pointer, anchor) => offsetIn(yaml.source, pointer, anchor) };
  }

  const root = parsed.value;
  if (isPlainObject(root)) delete root[SCHEMA_TEMPLATE_KEY];
  for (const problem of serializeCreateOptions(root)) findings.push(finding(await parsed.offsetOf(problem.pointer), 'error', 'create-options-chunks', problem.message, problem.pointer));
  if (findings.some((entry) => entry.severity === 'error')) return fail();
  const offsetOf = parsed.offsetOf;
  return {
    text: `${JSON.stringify(root, null, 2)}\n`,
    findings: sortFindings(findings),
    locate: async (pointer, anchor) => lines.locate(await offsetOf(pointer, anchor)),
  };
}

/** Offset of the node at `pointer` (its key or its value), or of the key of its nearest ancestor written in the file. */
async function offsetIn(source: ParsedSource, pointer: string, anchor: 'key' | 'value' = 'key'): Promise<number> {
  const tree = await source.tree();
  const segments = parsePointer(pointer);
  for (let length = segments.length; length >= 0; length--) {
    const location = tree.locate(toPointer(segments.slice(0, length)));
    if (!location.exact) continue;
    return length === segments.length && anchor === 'value' ? location.valueOffset : (location.keyOffset ?? location.valueOffset);
  }
  return 0;
}

type YamlExpansion =
  | { ok: true; value: unknown; source: ParsedSource; unresolved: { text: string; offset: number; reason: string }[]; duplicates: DuplicateKey[] }
  | { ok: false; offset: number; message: string };

/**
 * YAML templates: placeholders are expanded in each scalar (keys too). A plain scalar is read
 * again after expansion, so `timeToLiveSecs: ${TTL}` becomes a number, as text-level expansion
 * would make it in JSON.
 */
async function expandYaml(file: string, text: string, resolve: PlaceholderResolver): Promise<YamlExpansion> {
  const checked = await parseSource({ file, text }); // refuses custom tags, alias bombs, several documents
  if (!checked.ok) return { ok: false, offset: checked.finding.offset ?? 0, message: checked.finding.message };
  const document = parseDocument(text, { schema: 'core', strict: true, uniqueKeys: false, prettyErrors: false });
  const unresolved: { text: string; offset: number; reason: string }[] = [];
  visit(document, {
    Scalar(_key, node) {
      if (typeof node.value !== 'string' || !node.value.includes('$')) return;
      const expanded = expandString(node.value, resolve);
      const [start, end] = node.range ?? [0, 0];
      for (const entry of expanded.unresolved) {
        const at = text.indexOf(entry.token.text, start);
        unresolved.push({ text: entry.token.text, offset: at >= 0 && at < end ? at : start, reason: entry.reason });
      }
      if (expanded.value === node.value) return;
      node.value = node.type === 'PLAIN' ? rereadPlain(expanded.value) : expanded.value;
    },
  });
  const value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  return { ok: true, value, source: checked.source, unresolved, duplicates: checked.duplicateKeys };
}

/** A plain scalar's new text read as YAML would read it: a number, true/false, null, or text. */
function rereadPlain(text: string): unknown {
  try {
    const value: unknown = parseYaml(text, { schema: 'core' });
    return value === null || typeof value === 'number' || typeof value === 'boolean' ? value : text;
  } catch {
    return text;
  }
}

function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => a.line - b.line || a.column - b.column);
}
