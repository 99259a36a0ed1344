// Turns every module's createOptions into what IoT Hub takes, as iotedgedev's
// `convert_create_options` does: an object becomes compact JSON split into 512-character chunks
// (createOptions, createOptions01…), and a single string longer than 512 characters is split
// as written. The chunks take the place of the original key, so key order is kept.
// Unlike iotedgedev (at most 8 chunks, "maximum size of createOptions is 4K"), the limit is
// edgeAgent's own: 100 chunks (iotedge edge-util JsonEx.cs; FACTS.md §1).
import { listAgentModules } from '../manifest/agent-modules.js';
import { CHUNK_SIZE, chunkKey, chunkCreateOptions, MAX_CHUNKS } from '../manifest/docker/chunk-create-options.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject, locateModulesContent } from '../manifest/manifest-shape.js';

const BASE_KEY = /^createoptions$/i;
const CHUNK_KEY = /^createoptions\d\d$/i;

export interface CreateOptionsProblem {
  /** Pointer of the module's createOptions. */
  pointer: string;
  message: string;
}

/** Rewrites createOptions in place (the root is mutated); returns what could not be serialised. */
export function serializeCreateOptions(root: unknown): CreateOptionsProblem[] {
  const located = locateModulesContent(root);
  if (!located.modulesContent) return [];
  const problems: CreateOptionsProblem[] = [];
  for (const module of listAgentModules(located.modulesContent, located.pointer)) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    const baseKey = Object.keys(settings).find((key) => BASE_KEY.test(key));
    if (baseKey === undefined) continue;
    const options = settings[baseKey];
    let chunks: Record<string, string>;
    if (isPlainObject(options)) {
      chunks = chunkCreateOptions(options);
    } else if (typeof options === 'string' && options.length > CHUNK_SIZE && !Object.keys(settings).some((key) => CHUNK_KEY.test(key))) {
      chunks = splitText(options);
    } else {
      continue;
    }
    const count = Object.keys(chunks).length;
    const pointer = appendPointer(module.pointer, 'settings', baseKey);
    if (count > MAX_CHUNKS) {
      problems.push({ pointer, message: `createOptions of ${module.name} needs ${count} chunks of ${CHUNK_SIZE} characters, but edgeAgent reads at most ${MAX_CHUNKS} (createOptions to createOptions99); shorten them, for example by moving settings into env` });
      continue;
    }
    replaceChunks(settings, baseKey, chunks);
  }
  return problems;
}

function splitText(text: string): Record<string, string> {
  const chunks: Record<string, string> = {};
  let start = 0;
  let index = 0;
  while (start < text.length) {
    let end = Math.min(start + CHUNK_SIZE, text.length);
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    chunks[chunkKey(index++)] = text.slice(start, end);
    start = end;
  }
  return chunks;
}

/** Puts the chunks where the original key was, dropping any older chunk keys. */
function replaceChunks(settings: Record<string, unknown>, baseKey: string, chunks: Record<string, string>): void {
  const entries = Object.entries(settings);
  for (const key of Object.keys(settings)) delete settings[key];
  for (const [key, value] of entries) {
    if (key === baseKey) Object.assign(settings, chunks);
    else if (!CHUNK_KEY.test(key)) settings[key] = value;
  }
}
