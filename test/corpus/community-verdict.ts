// The community (SchemaStore) schemas' verdict on a corpus file, for the differential test.
// Those schemas are draft-04, so they are compiled with ajv-draft-04. The per-file choice of
// schema follows SchemaStore's catalog (deployment.template.json -> template 4.0, other
// deployments -> deployment 2.0) and the `az` CLI, which unwraps {"content": …} and picks the
// per-module schema by schemaVersion for fragments.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv04 from 'ajv-draft-04';
import type { ValidateFunction } from 'ajv';

const SCHEMA_DIR = join(import.meta.dirname, '..', 'fixtures', 'schemastore');
const BASE = 'https://json.schemastore.org/';

let ajv: Ajv04 | undefined;

function community(): Ajv04 {
  if (ajv) return ajv;
  ajv = new Ajv04({ strict: false, allErrors: false, validateFormats: false });
  for (const file of readdirSync(SCHEMA_DIR).filter((name) => name.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, file), 'utf8')) as { $schema?: string };
    if (schema.$schema?.includes('draft-04')) ajv.addSchema(schema);
  }
  return ajv;
}

export interface CommunityVerdict {
  schema: string;
  valid: boolean;
  firstError?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

export function communityVerdict(file: string, value: unknown): CommunityVerdict {
  let target = value;
  if (isObject(value) && isObject(value.content)) target = value.content;
  let schema: string;
  if (isObject(target) && !('modulesContent' in target) && !('moduleContent' in target)) {
    const agentVersion = (target.$edgeAgent as { 'properties.desired'?: { schemaVersion?: string } } | undefined)?.['properties.desired']?.schemaVersion;
    const hubVersion = (target.$edgeHub as { 'properties.desired'?: { schemaVersion?: string } } | undefined)?.['properties.desired']?.schemaVersion;
    schema = agentVersion ? 'azure-iot-edgeagent-deployment-1.1.json' : hubVersion === '1.1' ? 'azure-iot-edgehub-deployment-1.1.json' : 'azure-iot-edgehub-deployment-1.2.json';
  } else {
    schema = /template/i.test(file) ? 'azure-iot-edge-deployment-template-4.0.json' : 'azure-iot-edge-deployment-2.0.json';
  }
  const validate = community().getSchema(BASE + schema) as ValidateFunction;
  const valid = validate(target) as boolean;
  const error = validate.errors?.[0];
  return { schema, valid, firstError: error ? `${error.instancePath || '/'} ${error.message}` : undefined };
}
