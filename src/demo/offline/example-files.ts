// The example the demo runs, examples/offline-demo (shipped with edgewise): its deployment, the
// modules file that runs its two SDK modules as processes, and the child device's script. Found
// beside the running code, whether that is src/demo/offline (tests) or dist/bin (the bundle).
// The demo sends readings faster than the example's default, so that alerts, method calls and
// reported patches happen within a short outage.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../errors.js';
import { isPlainObject, locateModulesContent } from '../../manifest/manifest-shape.js';
import { normalizeManifest, type NormalizedManifest } from '../../manifest/normalize-manifest.js';
import { parseManifestText } from '../../manifest/read-manifest-document.js';
import { readOneInput } from '../../manifest/read-one-input.js';
import { readModulesFile, type ModulesFile } from '../../runtime/agent/process/modules-file.js';

const EXAMPLE = join('examples', 'offline-demo');
/** The sensor's interval in the demo (the example's own is 1 s, easier to follow by eye): at least this long between two readings. */
export const DEMO_SENSOR_INTERVAL_MS = 200;
/** The packages the example's modules and child device import. */
const SDK_PACKAGES = ['azure-iot-device', 'azure-iot-device-mqtt'];

export interface DemoExample {
  folder: string;
  manifest: NormalizedManifest;
  modulesContent: Record<string, unknown>;
  modulesFile: ModulesFile;
  /** The child device's script. */
  childScript: string;
}

export async function loadDemoExample(): Promise<DemoExample> {
  const folder = findExampleFolder();
  checkSdkInstalled(folder);
  const input = readOneInput(join(folder, 'deployment.json'), folder);
  const document = await parseManifestText(input.file, input.text);
  const { modulesContent } = locateModulesContent(document.value);
  if (!modulesContent) throw new InputError(`${input.file} holds no modulesContent; reinstall edgewise to get the example back`, 'demo-example');
  setSensorInterval(modulesContent, String(DEMO_SENSOR_INTERVAL_MS));
  return {
    folder,
    manifest: await normalizeManifest(document.value, { flavour: 'manifest', file: document.file }),
    modulesContent,
    modulesFile: await readModulesFile(join(folder, 'modules.yaml')),
    childScript: join(folder, 'thermostat', 'thermostat.mjs'),
  };
}

/** The nearest examples/offline-demo above this file (two levels up from dist/bin, three from src/demo/offline). */
function findExampleFolder(): string {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < 5; level++) {
    const candidate = join(folder, EXAMPLE);
    if (existsSync(join(candidate, 'deployment.json'))) return candidate;
    folder = dirname(folder);
  }
  throw new InputError(`the demo's example (${EXAMPLE}) is not beside this edgewise; reinstall edgewise, or run the demo from its repository`, 'demo-example');
}

function checkSdkInstalled(folder: string): void {
  const require = createRequire(join(folder, 'deployment.json'));
  const missing = SDK_PACKAGES.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new InputError(`the demo's modules and child device use the official Azure IoT device SDK, which is not installed: run \`npm install ${missing.join(' ')}\` in ${dirname(dirname(folder))} (or \`npm install\` in the edgewise repository)`, 'demo-sdk-missing');
  }
}

function setSensorInterval(modulesContent: Record<string, unknown>, intervalMs: string): void {
  const agent = modulesContent.$edgeAgent;
  const desired = isPlainObject(agent) ? agent['properties.desired'] : undefined;
  const modules = isPlainObject(desired) ? desired.modules : undefined;
  const sensor = isPlainObject(modules) ? modules.sensor : undefined;
  if (!isPlainObject(sensor)) throw new InputError(`${EXAMPLE}/deployment.json has no sensor module; reinstall edgewise to get the example back`, 'demo-example');
  sensor.env = { ...(isPlainObject(sensor.env) ? sensor.env : {}), SENSOR_INTERVAL_MS: { value: intervalMs } };
}
