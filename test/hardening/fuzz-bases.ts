// The real public manifests the property test mutates (all copied into the corpus, see
// test/fixtures/corpus/SOURCES.md and wild/SOURCES.md): a concrete deployment, a template with
// `${…}` variables, one with chunked createOptions, a layered deployment, a pipeline template
// with `#{…}#` tokens, and a layered one in the `content` wrapper with `__…__` tokens.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isObject, type Doc } from './manifest-places.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus');

export interface Base {
  /** The corpus file, for the counterexample. */
  source: string;
  /** The name the generated file gets (its extension is the case's format). */
  name: string;
  text: string;
  /** Layered deployments are merged as a layer; the others as a base. */
  layered: boolean;
}

export const BASES: readonly Base[] = [
  { source: 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment.json', name: 'deployment', layered: false },
  { source: 'Azure-Samples__iot-edge-influxdb-grafana__deployment.template.json', name: 'deployment.template', layered: false },
  { source: 'Azure__iotedgehubdev__tests__test_compose_resources__deployment_with_chunked_create_options.json', name: 'chunked', layered: false },
  { source: 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json', name: 'layered', layered: true },
  { source: 'wild/AnilMathews__IoTEdge-DevOps__EdgeSolution__deployment.template.json', name: 'pipeline.template', layered: false },
  { source: 'wild/marvin-garcia__AzureSqlEdge__EdgeSolution__sqledge.template.json', name: 'sqledge.template', layered: true },
].map((base) => ({ ...base, text: readFileSync(join(CORPUS, base.source), 'utf8') }));

/**
 * A fresh parse of a base, with createOptions chunks joined and parsed into objects, so that
 * mutations and planted secrets reach inside them; the case decides later how they are written.
 */
export function parseBase(base: Base): Doc {
  const value = JSON.parse(base.text) as Doc;
  joinCreateOptions(value, new Set());
  return value;
}

function joinCreateOptions(node: unknown, seen: Set<unknown>): void {
  if (typeof node !== 'object' || node === null || seen.has(node)) return;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const entry of node) joinCreateOptions(entry, seen);
    return;
  }
  const record = node as Doc;
  const chunks = Object.keys(record)
    .filter((key) => /^createOptions(\d\d)?$/.test(key))
    .sort();
  if (chunks.length > 0 && chunks.every((key) => typeof record[key] === 'string')) {
    try {
      const parsed: unknown = JSON.parse(chunks.map((key) => record[key]).join(''));
      if (isObject(parsed)) {
        for (const key of chunks) delete record[key];
        record.createOptions = parsed;
      }
    } catch {
      // Not JSON (a placeholder, say): left as the text it is.
    }
  }
  for (const key of Object.keys(record)) joinCreateOptions(record[key], seen);
}
