// `edgewise schema`: how the bundle is made (refs across files become pointers into one
// document) and the command's options, run as the real executable.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleSchema } from '../../../src/schema/bundle-schema.js';
import type { SchemaDocument, SchemaFileName } from '../../../src/schema/schema-files.js';
import { edgewise } from './run-edgewise.js';

const SCHEMAS: Partial<Record<SchemaFileName, SchemaDocument>> = {
  'manifest.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://edgewise.dev/schemas/manifest.schema.json',
    properties: { agent: { $ref: 'edge-agent.schema.json' }, name: { $ref: 'edge-agent.schema.json#/definitions/name' }, own: { $ref: '#/definitions/own' } },
    definitions: { own: { type: 'string' } },
  },
  'edge-agent.schema.json': {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://edgewise.dev/schemas/edge-agent.schema.json',
    title: 'Agent',
    properties: { name: { $ref: '#/definitions/name' }, options: { $ref: 'create-options.schema.json' }, back: { $ref: 'manifest.schema.json#/definitions/own' } },
    definitions: { name: { type: 'string', enum: [{ $ref: 'not a reference: data' }] } },
  },
  'create-options.schema.json': { $schema: 'http://json-schema.org/draft-07/schema#', $id: 'https://edgewise.dev/schemas/create-options.schema.json', type: 'object' },
};

function read(name: SchemaFileName): SchemaDocument {
  const document = SCHEMAS[name];
  if (!document) throw new Error(`no test schema ${name}`);
  return document;
}

describe('bundleSchema', () => {
  it('copies each referenced schema under definitions and turns every $ref into a pointer into the bundle', () => {
    expect(bundleSchema('manifest.schema.json', read)).toEqual({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://edgewise.dev/schemas/manifest.schema.json',
      properties: { agent: { $ref: '#/definitions/edge-agent.schema.json' }, name: { $ref: '#/definitions/edge-agent.schema.json/definitions/name' }, own: { $ref: '#/definitions/own' } },
      definitions: {
        own: { type: 'string' },
        'create-options.schema.json': { type: 'object' },
        'edge-agent.schema.json': {
          title: 'Agent',
          properties: {
            name: { $ref: '#/definitions/edge-agent.schema.json/definitions/name' },
            options: { $ref: '#/definitions/create-options.schema.json' },
            back: { $ref: '#/definitions/own' },
          },
          // enum values are data: a "$ref" key there is left alone.
          definitions: { name: { type: 'string', enum: [{ $ref: 'not a reference: data' }] } },
        },
      },
    });
  });

  it('leaves a schema that refers to no other as it is', () => {
    expect(bundleSchema('create-options.schema.json', read)).toEqual(SCHEMAS['create-options.schema.json']);
  });

  it('refuses a reference outside our schemas, or a fragment that is not a JSON Pointer', () => {
    const withRef = (ref: string) => (name: SchemaFileName) => (name === 'edge-hub.schema.json' ? { $id: 'https://edgewise.dev/schemas/edge-hub.schema.json', properties: { x: { $ref: ref } } } : read(name));
    expect(() => bundleSchema('edge-hub.schema.json', withRef('https://example.com/other.json'))).toThrow('edge-hub.schema.json has $ref https://example.com/other.json, which is not one of the schemas in schemas/');
    expect(() => bundleSchema('edge-hub.schema.json', withRef('../secrets.json'))).toThrow('not one of the schemas in schemas/');
    expect(() => bundleSchema('edge-hub.schema.json', withRef('#anchor'))).toThrow('only JSON Pointer fragments can be bundled');
  });
});

describe('edgewise schema', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-schema-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('writes the same schema to a file with -o (making its folder) as to stdout', () => {
    const printed = edgewise(['schema', '--template']);
    const output = join(folder, '.vscode', 'edgewise', 'manifest-template.schema.json');
    const written = edgewise(['schema', '--template', '-o', output]);
    expect(printed.code).toBe(0);
    expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(readFileSync(output, 'utf8')).toBe(printed.stdout);
    expect(edgewise(['schema', '-o', '-']).stdout).toBe(edgewise(['schema']).stdout);
  });

  it('refuses --template with a part, in one line, exit 2', () => {
    const run = edgewise(['schema', '--template', '--part', 'edge-hub']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('edgewise: --template selects the template form of a whole manifest; --part edge-hub has one form: drop --template or --part\n');
  });

  it('refuses an unknown part with the choices', () => {
    const run = edgewise(['schema', '--part', 'routes']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("Allowed choices are manifest, edge-agent, edge-hub, create-options");
  });

  it('is listed in the help', () => {
    expect(edgewise(['--help']).stdout).toMatch(/\n {2}schema \[options\] +print a JSON Schema for editors/);
  });
});
