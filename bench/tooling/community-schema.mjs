// The peer's schema: SchemaStore's azure-iot-edge-deployment-2.0.json is draft-04 (`id`), and
// ajv-cli 5 (ajv 8) has no draft-04 mode, so a draft-07 copy is written to the data folder:
// `id` -> `$id`, `$schema` -> draft-07, boolean exclusiveMinimum/Maximum -> numeric. External
// `$ref`s (none in the 2.0 schema today) are resolved against bench/community-schema/ and
// passed to ajv-cli with -r.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SOURCE_DIR = fileURLToPath(new URL('../community-schema/', import.meta.url));
export const COMMUNITY_MAIN = 'azure-iot-edge-deployment-2.0.json';

const SCHEMA_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependencies'];
const SCHEMA_ARRAYS = ['allOf', 'anyOf', 'oneOf', 'items'];
const SCHEMA_SINGLE = ['not', 'items', 'additionalItems', 'additionalProperties', 'contains', 'propertyNames', 'if', 'then', 'else'];
const DRAFT7 = 'http://json-schema.org/draft-07/schema#';

function toDraft7(schema, refs, root = true) {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return schema;
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'id' && typeof value === 'string') out.$id = value;
    else if (key === '$schema') out.$schema = DRAFT7;
    else if (SCHEMA_MAPS.includes(key) && value && typeof value === 'object' && !Array.isArray(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, Array.isArray(sub) ? sub : toDraft7(sub, refs, false)]));
    } else if (SCHEMA_ARRAYS.includes(key) && Array.isArray(value)) out[key] = value.map((sub) => toDraft7(sub, refs, false));
    else if (SCHEMA_SINGLE.includes(key) && value && typeof value === 'object') out[key] = toDraft7(value, refs, false);
    else if (key === '$ref' && typeof value === 'string') {
      if (!value.startsWith('#')) refs.add(value.split('#')[0]);
      out[key] = value;
    } else out[key] = value;
  }
  for (const [flag, bound] of [['exclusiveMinimum', 'minimum'], ['exclusiveMaximum', 'maximum']]) {
    if (typeof out[flag] !== 'boolean') continue;
    if (out[flag] && typeof out[bound] === 'number') {
      out[flag] = out[bound];
      delete out[bound];
    } else delete out[flag];
  }
  if (root && !out.$schema) out.$schema = DRAFT7;
  return out;
}

/** Writes the draft-07 copies into `outDir`; returns the main schema's path and the referenced ones. */
export function prepareCommunitySchema(outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const done = new Map();
  const queue = [COMMUNITY_MAIN];
  while (queue.length) {
    const name = queue.shift();
    if (done.has(name)) continue;
    const source = path.join(SOURCE_DIR, name);
    if (!fs.existsSync(source)) throw new Error(`community schema ${source} is missing (referenced schema?)`);
    const refs = new Set();
    const converted = toDraft7(JSON.parse(fs.readFileSync(source, 'utf8')), refs);
    const target = path.join(outDir, name.replace(/\.json$/, '.draft7.json'));
    fs.writeFileSync(target, `${JSON.stringify(converted, null, 2)}\n`);
    done.set(name, target);
    for (const ref of refs) queue.push(path.basename(new URL(ref, 'https://json.schemastore.org/').pathname));
  }
  const main = done.get(COMMUNITY_MAIN);
  return { main, refs: [...done.values()].filter((file) => file !== main) };
}
