// validate = parse → normalize → schema-check the manifest and each createOptions → place.
// Pure apart from the lazy import of the detailed validators: no file system, no output.
import type { Finding, PendingFinding } from '../findings.js';
import { normalizeManifest, type Flavour, type NormalizedManifest } from '../manifest/normalize-manifest.js';
import { parseSource, stripByteOrderMark, type ParsedSource, type SourceText } from '../manifest/parse-source.js';
import { isStackOverflow, tooDeepFinding } from '../manifest/nesting-depth.js';
import { placeFindings } from '../manifest/place-findings.js';
import { collectSecrets, maskSecrets } from '../manifest/secrets.js';
import { schemaFindings } from '../schema/schema-validators.js';
import { placeholderParseFailure } from './placeholder-parse-failure.js';

export interface ValidateOptions {
  /** Force a flavour instead of deciding from the file name, `$schema-template` and the content (detect-flavour.ts). */
  flavour?: Flavour;
}

export interface ValidatedSource {
  findings: Finding[];
  /** Undefined when the file did not parse. */
  manifest?: NormalizedManifest;
  /** The text and its positions the manifest was read from, beside the model. */
  source?: ParsedSource;
}

export async function validateSource(input: SourceText, options: ValidateOptions = {}): Promise<ValidatedSource> {
  try {
    return await validateParsed(input, options);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return { findings: await placeFindings(input.file, input.text, [tooDeepFinding(input.text)]) };
  }
}

async function validateParsed(input: SourceText, options: ValidateOptions): Promise<ValidatedSource> {
  const parsed = await parseSource(input);
  if (!parsed.ok) return { findings: await placeFindings(input.file, input.text, [placeholderParseFailure(stripByteOrderMark(input.text), parsed.finding)]) };
  const source = parsed.source;
  const manifest = await normalizeManifest(source.value, { flavour: options.flavour, file: source.file });
  const pending: PendingFinding[] = [...parsed.findings, ...manifest.findings, ...(await manifestSchemaFindings(manifest, source))];
  const findings = await placeFindings(source.file, source.text, pending, source, manifest.createOptions);
  // Most files have no finding: their secrets are never looked for.
  if (findings.length > 0) {
    const secrets = collectSecrets(manifest);
    for (const finding of findings) finding.message = maskSecrets(finding.message, secrets);
  }
  return { findings: findings.sort((a, b) => a.line - b.line || a.column - b.column), manifest, source };
}

async function manifestSchemaFindings(manifest: NormalizedManifest, source: ParsedSource): Promise<PendingFinding[]> {
  const { located, flavour } = manifest;
  if (located.shape === 'not-a-manifest') {
    return [
      {
        ruleId: 'schema',
        severity: 'error',
        message: 'this is not a deployment manifest: expected an object with `modulesContent` (or `content.modulesContent`) holding `$edgeAgent` and `$edgeHub`',
        pointer: '',
        offset: 0,
      },
    ];
  }
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
    // A loop, not push(...): spreading 120,000 findings as arguments overflows the stack.
    for (const finding of await schemaFindings('validateCreateOptions', options.value, { root: options.value, basePointer: options.pointer, allowPlaceholders, rootName: '`createOptions`', flavourReason: manifest.flavourDecision.reason })) findings.push(finding);
  }
  return findings;
}

