// `edgewise schema [--template] [--part …] [-o FILE]`: prints one of our JSON Schemas with the
// schemas it refers to bundled in, so that an editor given only that file can validate offline
// (editor setup: README, "Editor schemas"). Its $id is the schema's stable id.
import { InputError } from '../../errors.js';
import { bundleSchema } from '../../schema/bundle-schema.js';
import { readSchemaFile, type SchemaFileName } from '../../schema/schema-files.js';
import type { CommandResult } from '../command-result.js';

export type SchemaPart = 'manifest' | 'edge-agent' | 'edge-hub' | 'create-options';

export interface SchemaOptions {
  /** Which schema: a whole manifest (default) or the part of one that a file may hold alone. */
  part?: SchemaPart;
  /** The template form of a manifest: createOptions may be objects (deployment.template.json, YAML manifests). */
  template?: boolean;
  /** Write it here instead of stdout ("-": stdout). */
  output?: string;
}

const PART_FILES: Record<SchemaPart, SchemaFileName> = {
  manifest: 'manifest.schema.json',
  'edge-agent': 'edge-agent.schema.json',
  'edge-hub': 'edge-hub.schema.json',
  'create-options': 'create-options.schema.json',
};

export function runSchema(options: SchemaOptions): CommandResult {
  const part = options.part ?? 'manifest';
  if (options.template && part !== 'manifest') {
    throw new InputError(`--template selects the template form of a whole manifest; --part ${part} has one form: drop --template or --part`);
  }
  const file = options.template ? 'manifest-template.schema.json' : PART_FILES[part];
  const text = `${JSON.stringify(bundleSchema(file, readSchemaFile), null, 2)}\n`;
  if (options.output !== undefined && options.output !== '-') return { exitCode: 0, stdout: '', stderr: '', files: [{ path: options.output, text }] };
  return { exitCode: 0, stdout: text, stderr: '', files: [] };
}
