// Lists every module edgeAgent would run, with the pointer of its definition, in both the
// full form (properties.desired.modules.X) and the layered, flattened form
// ("properties.desired.modules.X" as one key).
import { appendPointer } from './json-pointer.js';
import { isPlainObject } from './manifest-shape.js';

export interface AgentModule {
  name: string;
  kind: 'system' | 'user';
  pointer: string;
  definition: Record<string, unknown>;
}

const DESIRED = 'properties.desired';
const LAYERED_MODULE = /^properties\.desired\.(modules|systemModules)\.([^.]+)$/;

export function listAgentModules(modulesContent: Record<string, unknown>, modulesContentPointer: string): AgentModule[] {
  const agent = modulesContent.$edgeAgent;
  if (!isPlainObject(agent)) return [];
  const agentPointer = appendPointer(modulesContentPointer, '$edgeAgent');
  const found: AgentModule[] = [];
  const desired = agent[DESIRED];
  if (isPlainObject(desired)) {
    const desiredPointer = appendPointer(agentPointer, DESIRED);
    collect(desired.systemModules, 'system', appendPointer(desiredPointer, 'systemModules'), found);
    collect(desired.modules, 'user', appendPointer(desiredPointer, 'modules'), found);
  }
  for (const [key, value] of Object.entries(agent)) {
    const match = LAYERED_MODULE.exec(key);
    if (match && isPlainObject(value)) {
      found.push({ name: match[2]!, kind: match[1] === 'systemModules' ? 'system' : 'user', pointer: appendPointer(agentPointer, key), definition: value });
    }
  }
  return found;
}

function collect(map: unknown, kind: AgentModule['kind'], pointer: string, found: AgentModule[]): void {
  if (!isPlainObject(map)) return;
  for (const [name, definition] of Object.entries(map)) {
    if (isPlainObject(definition)) found.push({ name, kind, pointer: appendPointer(pointer, name), definition });
  }
}
