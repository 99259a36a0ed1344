// Runs the CLI from the start-up bundle: one plain script (dist/bin/cli-script.js) compiled through
// node:vm with a V8 code cache, so a one-file lint neither resolves ~40 ES modules nor parses and
// compiles most of edgewise. Node 20 has no compile cache of its own (module.enableCompileCache
// is Node 22.1). The cache comes from the build, for the Node that built it; any other Node,
// or other V8 flags, gets a cache of its own in the user's cache folder after its first run.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { cacheFileName, cacheKeyFor, canChecksum, decodeCache, encodeCache, type CacheKey } from './startup-cache-file.js';
import { readBundleSource, readCacheFile, usableCacheFolder, writeCacheFile } from './startup-code-cache.js';

export interface StartupBundle {
  /** The bundle's path (dist/bin/cli-script.js). */
  script: string;
  /** The cache the build made beside it for this command (or for lint, which most commands resemble). */
  shippedCache: string;
  /** Which command's cache this run uses and, without a usable one, leaves (startup-cache-file.ts). */
  use: string;
}

export interface CacheSettings {
  /** False: no cache is read or written (EDGEWISE_NO_COMPILE_CACHE). */
  enabled: boolean;
  /** The per-user folder (startup-cache-folder.ts); undefined: none. */
  userFolder?: string;
}

/** The bundle wraps edgewise in `(function (require, __edgewiseMetaUrl) {…})`; see scripts/build.mjs. */
type BundleFunction = (require: NodeJS.Require, metaUrl: string) => void;

const BUNDLE_ID_LINE = /^\/\/edgewise-bundle ([0-9a-f]{16})$/;

/** The bundle's source, or undefined when this build has none (then bin/edgewise.js uses the ES module build). */
export function loadBundleSource(bundle: StartupBundle): string | undefined {
  try {
    return readBundleSource(bundle.script);
  } catch {
    return undefined;
  }
}

/** Compiles and runs the bundle; edgewise's main() starts inside it. */
export function runStartupBundle(bundle: StartupBundle, source: string, settings: CacheSettings): void {
  const id = BUNDLE_ID_LINE.exec(source.slice(0, source.indexOf('\n')))?.[1];
  // Without an id a cache cannot be tied to this exact source (V8 itself checks only its length).
  const caching = settings.enabled && id !== undefined && canChecksum();
  const key = caching ? cacheKeyFor(id, process, process.env) : undefined;
  const cachedData = key ? findCache(bundle, key, settings.userFolder) : undefined;
  const script = new Script(source, { filename: bundle.script, cachedData });
  if (key && settings.userFolder && (cachedData === undefined || script.cachedDataRejected)) {
    saveCacheAtExit(script, key, settings.userFolder, cacheFileName(key, bundle.use));
  }
  const run = script.runInThisContext() as BundleFunction;
  run(createRequire(bundle.script), pathToFileURL(bundle.script).href);
}

/**
 * A user's own cache first: one exists only where the shipped one did not serve (another Node,
 * other flags, or a Node whose V8 refused it), so it is what this Node can use.
 */
function findCache(bundle: StartupBundle, key: CacheKey, userFolder: string | undefined): Buffer | undefined {
  if (userFolder && usableCacheFolder(userFolder, false)) {
    const own = readCacheFile(join(userFolder, cacheFileName(key, bundle.use)));
    const fromUser = own && decodeCache(own, key);
    if (fromUser) return fromUser;
  }
  const shipped = readCacheFile(bundle.shippedCache);
  return shipped && decodeCache(shipped, key);
}

/** Made after the command ran, so the cache holds every function this run compiled, not only the top level. */
function saveCacheAtExit(script: Script, key: CacheKey, folder: string, name: string): void {
  process.once('exit', () => {
    try {
      writeCacheFile(folder, name, encodeCache(key, script.createCachedData()));
    } catch {
      // a cache is an optimisation: the next run compiles again
    }
  });
}
