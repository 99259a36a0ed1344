// For `init --keep-params`: writes each module's createOptions as a JSON object, the form
// iotedgedev templates use, so that a ${NAME} placeholder in them sits in an ordinary JSON
// string and `edgewise gen` escapes its value once (inside a createOptions string a Windows
// path would need escaping twice). gen serialises the objects back into chunks.
import { listAgentModules } from '../manifest/agent-modules.js';
import { joinCreateOptions } from '../manifest/docker/join-create-options.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject, locateModulesContent } from '../manifest/manifest-shape.js';

/** Mutates `root`; createOptions that are not a JSON object stay as they are. */
export function createOptionsAsObjects(root: unknown): void {
  const located = locateModulesContent(root);
  if (!located.modulesContent) return;
  for (const module of listAgentModules(located.modulesContent, located.pointer)) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    const joined = joinCreateOptions(settings, appendPointer(module.pointer, 'settings'));
    if (!joined || joined.form !== 'string' || !joined.value) continue;
    const chunkKeys = new Set(joined.chunks.map((chunk) => chunk.key));
    const entries = Object.entries(settings);
    for (const key of Object.keys(settings)) delete settings[key];
    for (const [key, value] of entries) {
      if (key === joined.chunks[0]!.key) settings.createOptions = joined.value;
      else if (!chunkKeys.has(key)) settings[key] = value;
    }
  }
}
