// Every `${…}` template in the corpus (test/fixtures/corpus, copied from public repositories; see
// SOURCES.md) generates with the test .env and module.json files in
// test/fixtures/generate/corpus-solution: every placeholder resolves, and the generated manifest
// validates. The exceptions are named, each with the reason it does not validate.
// (Whether `gen` then writes it depends on lint too, which moves with the rule catalogue: some
// of these templates route to modules they do not deploy, and gen refuses them for that.)
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR, corpusFiles } from '../corpus/corpus-files.js';
import { checkOutput } from '../../src/lint/write-gate.js';
import { generateManifest } from '../../src/generate/generate-manifest.js';
import { templateResolver } from '../../src/generate/placeholder-resolver.js';
import { GEN_RULES } from '../../src/generate/generate-from-templates.js';
import { loadVariables, type Environment } from '../../src/generate/variables.js';
import { validateSource } from '../../src/validate/validate-source.js';

const SOLUTION = join(import.meta.dirname, '..', 'fixtures', 'generate', 'corpus-solution');

/** Templates whose generated manifest does not validate, on purpose, with the rules that say so. */
const INVALID: Record<string, { why: string; rules: string[] }> = {
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid.json': {
    why: "iotedgedev's negative fixture: registry credentials without address or with a number, a createOptions chunk gap, non-object createOptions",
    rules: ['schema', 'create-options-chunks', 'create-options-json'],
  },
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_createoptions.json': {
    why: "iotedgedev's negative fixture for createOptions: a chunk gap (createOptions03 without 02), an array, an object chunk",
    rules: ['create-options-chunks', 'create-options-json', 'schema'],
  },
  'Azure__iotedgedev__tests__assets__deployment.manifest_invalid_schema.json': {
    why: "iotedgedev's negative fixture for schema errors: missing address, a number username, an empty address",
    rules: ['schema'],
  },
  'Azure__iotedgedev__tests__assets__test_solution_shared_lib__layered_deployment.flattened_props.template.json': {
    why: 'with EDGEHUB_SCHEMA_VERSION 1.2 (as in the test .env) edgeHub requires storeAndForwardConfiguration, which this template lacks; with 1.0 it generates (tested below)',
    rules: ['store-and-forward'],
  },
};

const templates = corpusFiles().filter((name) => readFileSync(join(CORPUS_DIR, name), 'utf8').includes('${'));

async function generate(name: string, environment: Environment = {}) {
  const variables = loadVariables(environment, SOLUTION);
  const resolver = templateResolver({
    variables,
    templateFile: join(SOLUTION, name), // ${MODULEDIR<./module1>} is resolved next to the template
    modulesDir: join(SOLUTION, 'modules'),
    platform: 'amd64',
    readFile: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined),
  });
  const generated = await generateManifest({ file: name, text: readFileSync(join(CORPUS_DIR, name), 'utf8') }, { resolve: resolver.resolve });
  return { generated, moduleFindings: resolver.moduleFindings() };
}

describe('gen over the corpus templates', () => {
  it('finds the 18 ${…} templates listed in SOURCES.md', () => {
    expect(templates).toHaveLength(18);
  });

  it.each(templates)('%s', async (name) => {
    const { generated, moduleFindings } = await generate(name);
    expect(generated.findings, 'every placeholder resolves').toEqual([]);
    expect(moduleFindings).toEqual([]);
    const text = generated.text!;
    expect(text).not.toMatch(/\$\{[^}]*\}/);
    expect(JSON.parse(text)).not.toHaveProperty('$schema-template');

    const validated = await validateSource({ file: 'out.json', text }, { flavour: 'manifest' });
    const errors = validated.findings.filter((finding) => finding.severity === 'error');
    const invalid = INVALID[name];
    if (invalid) expect([...new Set(errors.map((finding) => finding.ruleId))].sort(), invalid.why).toEqual([...invalid.rules].sort());
    else expect(errors, 'validates').toEqual([]);
  });

  it('generates the layered template once edgeHub schema 1.0 is asked for, and that lints clean', async () => {
    const { generated } = await generate('Azure__iotedgedev__tests__assets__test_solution_shared_lib__layered_deployment.flattened_props.template.json', { EDGEHUB_SCHEMA_VERSION: '1.0' });
    expect((await checkOutput('out.json', generated.text!, { flavour: 'manifest', rules: GEN_RULES })).ok).toBe(true);
  });

  it('escapes a value with a quote and a backslash, which iotedgedev pastes raw into the JSON', async () => {
    const { generated } = await generate('Azure-Samples__iot-edge-influxdb-grafana__deployment.template.json');
    expect(generated.text).toContain('GF_SECURITY_ADMIN_PASSWORD=gr\\\\\\"afana\\\\\\\\admin');
  });
});
