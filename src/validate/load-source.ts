// Loading, once for validate and for lint: parse → normalize → check the schemas. What loading
// finds wrong comes out as data (LoadProblem), each owned by the rule that reports it, in the
// order found; nothing is worded, placed or masked here. Pure apart from the lazy imports of the
// position parsers and the detailed validators: no file system, no output.
import type { Finding, LoadProblem, PendingFinding } from '../findings.js';
import { normalizeManifest, type Flavour, type NormalizedManifest } from '../manifest/normalize-manifest.js';
import { parseSource, stripByteOrderMark, type ParsedSource, type SourceText } from '../manifest/parse-source.js';
import { tooDeepFinding } from '../manifest/nesting-depth.js';
import { duplicateKeyProblem } from '../rules/duplicate-key.js';
import { parse } from '../rules/parse.js';
import { pendingFinding, type LoadResults } from '../rules/rule.js';
import { schemaFindings } from '../schema/schema-validators.js';
import { parseFailureProblem } from './placeholder-parse-failure.js';

export interface LoadOptions {
  /** Force a flavour instead of deciding from the file name, `$schema-template` and the content (detect-flavour.ts). */
  flavour?: Flavour;
}

export interface LoadedSource {
  /** The input as given; findings are placed in its text when it did not parse. */
  input: SourceText;
  /** The parsed text and its positions, kept beside the model; undefined when it did not parse. */
  source?: ParsedSource;
  /** The manifest model; undefined when the text did not parse. */
  manifest?: NormalizedManifest;
  loaded: LoadResults;
}

export async function loadSource(input: SourceText, options: LoadOptions = {}): Promise<LoadedSource> {
  const parsed = await parseSource(input);
  if (!parsed.ok) return { input, loaded: { problems: [parseFailureProblem(stripByteOrderMark(input.text), parsed.finding)] } };
  const source = parsed.source;
  const manifest = await normalizeManifest(source.value, { flavour: options.flavour, file: source.file });
  const problems: LoadProblem[] = parsed.duplicateKeys.map(duplicateKeyProblem);
  for (const problem of manifest.problems) problems.push(problem);
  // A loop, not push(...): spreading 120,000 problems as arguments overflows the stack.
  for (const problem of await schemaProblems(manifest, source)) problems.push(problem);
  return { input, source, manifest, loaded: { problems } };
}

/**
 * What is left to report of a text whose walk overflowed the stack (a value the loader does not
 * see nests too deep, such as JSON embedded in a createOptions string): that it is too deep,
 * placed at the first bracket past the limit, if any.
 */
export function tooDeepLoad(input: SourceText): LoadedSource {
  return { input, loaded: { problems: [parseFailureProblem(input.text, tooDeepFinding(input.text))] } };
}

/**
 * A file that could not be read (too large, not a regular file, not text): the parse rule's
 * finding, at its first character. Reported whatever the config, like the run's other
 * refusals, since nothing of the file was seen.
 */
export function unreadableFinding(file: string, reason: string): Finding {
  const report: LoadProblem = { ruleId: 'parse', messageId: 'unparsable', data: { reason }, pointer: '' };
  const { message } = pendingFinding(parse, report, 'error');
  return { file, ruleId: 'parse', severity: 'error', message, pointer: '', line: 1, column: 1 };
}

async function schemaProblems(manifest: NormalizedManifest, source: ParsedSource): Promise<LoadProblem[]> {
  const { located, flavour } = manifest;
  if (located.shape === 'not-a-manifest') return [{ ruleId: 'schema', messageId: 'notAManifest', severity: 'error', pointer: '', offset: 0 }];
  const allowPlaceholders = flavour === 'template';
  // YAML is an authoring form (IoT Hub takes JSON; `edgewise convert` chunks a createOptions
  // mapping on the way), so in YAML createOptions may be a mapping, as in templates.
  const validator = flavour === 'template' || source.format === 'yaml' ? 'validateTemplate' : 'validateManifest';
  // A bare {"$edgeAgent": …} fragment is checked as the modulesContent it would sit in.
  const isFragment = located.shape === 'fragment';
  const value = isFragment ? { modulesContent: source.value } : source.value;
  const findings = await schemaFindings(validator, value, { root: value, basePointer: '', allowPlaceholders, flavourReason: manifest.flavourDecision.reason });
  if (isFragment) for (const finding of findings) finding.pointer = finding.pointer.replace(/^\/modulesContent/, '');

  for (const options of manifest.createOptions) {
    if (options.form !== 'string' || !options.value) continue; // object createOptions are covered by the template schema
    for (const finding of await schemaFindings('validateCreateOptions', options.value, { root: options.value, basePointer: options.pointer, allowPlaceholders, rootName: '`createOptions`', flavourReason: manifest.flavourDecision.reason })) findings.push(finding);
  }
  return findings.map(schemaProblem);
}

/** A schema violation, as describe-schema-error.ts words it, for the rule it names to report in its `schema` message. */
function schemaProblem(finding: PendingFinding): LoadProblem {
  const { ruleId, severity, pointer, anchor, offset, stringOffset } = finding;
  return { ruleId, messageId: 'schema', data: { description: finding.message }, severity, pointer, anchor, offset, stringOffset };
}
