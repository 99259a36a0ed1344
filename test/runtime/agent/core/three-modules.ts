// The core tests' manifest: templates/offline.json with three user modules (sensor, filter,
// archiver) and a module twin for filter, read fresh for each test to edit.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FIXTURE = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'agent-core', 'three-modules.json');

// Loose on purpose: tests edit the manifest deep inside.
export type Json = Record<string, any>;

export function threeModules(): Json {
  return JSON.parse(readFileSync(FIXTURE, 'utf8')) as Json;
}

export function agentDesired(manifest: Json): Json {
  return manifest.modulesContent.$edgeAgent['properties.desired'];
}
