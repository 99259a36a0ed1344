// Reads the JSON Schemas shipped in schemas/ for `edgewise schema`. The folder sits two levels
// above this file both in src/schema/ and in dist/schema/ (and above the bundled CLI's chunks in
// dist/bin/), so the same relative URL finds it in a checkout and in an installed package.
// The validators never read these files: the build compiles them in (scripts/build.mjs).
import { readFileSync } from 'node:fs';

/** Editors, caches and `$ref`s key on these ids, so they never change: the base plus the file name. */
export const SCHEMA_ID_BASE = 'https://edgewise.dev/schemas/';

export const SCHEMA_FILE_NAMES = ['manifest.schema.json', 'manifest-template.schema.json', 'edge-agent.schema.json', 'edge-hub.schema.json', 'create-options.schema.json'] as const;

export type SchemaFileName = (typeof SCHEMA_FILE_NAMES)[number];

/** A JSON Schema document as parsed: plain JSON objects all the way down. */
export type SchemaDocument = { [key: string]: unknown };

export function isSchemaFileName(name: string): name is SchemaFileName {
  return (SCHEMA_FILE_NAMES as readonly string[]).includes(name);
}

export function readSchemaFile(name: SchemaFileName): SchemaDocument {
  return JSON.parse(readFileSync(new URL(`../../schemas/${name}`, import.meta.url), 'utf8')) as SchemaDocument;
}
