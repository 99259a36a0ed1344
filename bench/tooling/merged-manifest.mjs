// One large deployment manifest for the memory and time of a single big file (issue 16: "lint RSS
// on a 5 MB manifest"): the files of the "other names" set (bench/tooling/data-sets.mjs), whose
// module, route, env and twin names are unique across files, merged one after the other until the
// text reaches the size asked for. The result stays valid for a correct validator and for the
// community schema: agent schema 1.1 (which allows every agent field the generator writes), the
// highest edgeHub schema version among the merged files, the first file's system modules and
// store-and-forward settings, and the union of registries, modules, routes and module twins.
import { buildManifest } from '../generate-manifests.mjs';

const OTHER_NAMES_SEED = 20261215;

const desired = (manifest, section) => manifest.modulesContent[section]['properties.desired'];

/** { text, files, modules, routes }: pretty-printed JSON of at least `bytes` bytes. */
export function mergedManifest(bytes, seed = OTHER_NAMES_SEED) {
  let merged;
  let files = 0;
  let sourceBytes = 0;
  for (;;) {
    while (sourceBytes < bytes) {
      const text = buildManifest(seed, files++, 'unique');
      sourceBytes += text.length;
      merged = merged === undefined ? start(JSON.parse(text)) : add(merged, JSON.parse(text));
    }
    const text = `${JSON.stringify(merged, null, 2)}\n`;
    if (Buffer.byteLength(text) >= bytes) {
      return { text, files, modules: Object.keys(desired(merged, '$edgeAgent').modules).length, routes: Object.keys(desired(merged, '$edgeHub').routes).length };
    }
    sourceBytes = Buffer.byteLength(text);
  }
}

function start(manifest) {
  desired(manifest, '$edgeAgent').schemaVersion = '1.1';
  return manifest;
}

function add(merged, manifest) {
  const agent = desired(merged, '$edgeAgent');
  const hub = desired(merged, '$edgeHub');
  const nextAgent = desired(manifest, '$edgeAgent');
  const nextHub = desired(manifest, '$edgeHub');
  Object.assign(agent.runtime.settings.registryCredentials ??= {}, nextAgent.runtime.settings.registryCredentials ?? {});
  Object.assign(agent.modules, nextAgent.modules);
  Object.assign(hub.routes, nextHub.routes);
  if (Number(nextHub.schemaVersion) > Number(hub.schemaVersion)) hub.schemaVersion = nextHub.schemaVersion;
  for (const [name, section] of Object.entries(manifest.modulesContent)) {
    if (name !== '$edgeAgent' && name !== '$edgeHub') merged.modulesContent[name] = section;
  }
  return merged;
}
