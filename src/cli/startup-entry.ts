// What bin/edgewise.js calls first (built to dist/bin/launch.cjs, a small CommonJS file): runs the
// manifest commands from the start-up bundle. Returns false when the ES module build should run
// instead: a runtime command, EDGEWISE_NO_STARTUP_BUNDLE set, or a build without the bundle.
import { join } from 'node:path';
import { loadBundleSource, runStartupBundle } from './startup-bundle.js';
import { userCacheFolder } from './startup-cache-folder.js';
import { runsFromStartupBundle } from './startup-commands.js';

/** `binFolder` is dist/bin, where the bundle and the cache the build made lie. */
export function start(argv: readonly string[], binFolder: string): boolean {
  const env = process.env;
  if (isSet(env.EDGEWISE_NO_STARTUP_BUNDLE) || !runsFromStartupBundle(argv.slice(2))) return false;
  // The build ships caches made by a lint and by a validate run; the other commands resemble lint.
  const command = argv[2] !== undefined && /^[a-z]+$/.test(argv[2]) ? argv[2] : 'help';
  const shipped = command === 'validate' ? 'validate' : 'lint';
  const bundle = { script: join(binFolder, 'cli-script.js'), shippedCache: join(binFolder, `cli-script.${shipped}.cache`), use: command };
  const source = loadBundleSource(bundle);
  if (source === undefined) return false;
  const enabled = !isSet(env.EDGEWISE_NO_COMPILE_CACHE);
  runStartupBundle(bundle, source, { enabled, userFolder: enabled ? userCacheFolder(env, process.platform) : undefined });
  return true;
}

function isSet(value: string | undefined): boolean {
  return value !== undefined && value !== '' && value !== '0';
}
