// Issue 9, "Secrets that are printed today": the manifests the secrets battery runs every command
// on, with a secret in every place a user puts one. The base is a real public deployment
// template, Azure-Samples/iot-edge-influxdb-grafana's deployment.template.json (copied into the
// corpus), whose own variables already name secrets in every form: a registry password, and
// createOptions "Env" entries INFLUX_PASSWORD, INFLUX_ADMIN_PASS (a `_PASS` name) and
// GF_SECURITY_ADMIN_PASSWORD. The battery fills them in as `gen` would, and adds the places the
// attack found: env values with and without {"value": …}, names such as Connection-String, PWD,
// PASSPHRASE, PRIVATE_KEY and CREDENTIAL, connection strings under ordinary names, twin values,
// a route condition, a secret longer than a message quotes, a secret inside a longer string,
// secrets holding placeholder-like text, and a .env file for gen.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const TEMPLATE_SOURCE = join(import.meta.dirname, '..', 'fixtures', 'corpus', 'Azure-Samples__iot-edge-influxdb-grafana__deployment.template.json');

/**
 * Every planted secret, by where it is planted. Each is random-looking, so that any 6-character
 * run of it found in an output can only have come from the secret.
 */
export const SECRETS = {
  registryPassword: 'Rg7pQ2vX9mLk4wZt',
  registryLowercase: 'zqxwvmplkojnihub',
  envStringForm: 'Sf3kW8nQ1zHb6yTcJ4',
  // Longer than the 60 characters a schema message quotes, so a cut would print its start.
  envLongStringForm: 'Lg5tR8wQ2nV7bY1mK4xZ9cH3jP6sD0fA8gU2eI5oL7rT1yW4qN9vB3kM6hC0xJ8pS2dF5',
  envValueForm: 'Vf4jN7pR2sKd9xGe',
  hubKey: 'bW9kdWxlS2V5QWxwaGEtNzc4MQ9xZ2pQ4vR8tL0nC6A=',
  hyphenName: 'Cs9Hy5cN8qLr3TwVb6Xe',
  accountKey: 'c3RvcmFnZUtleUJyYXZvLTk5MTN4UjdtUTJ3WjVrTDhuVjRwSDE=',
  sasSignature: 'Zk8%2BqW3nR7vT1yL5pX9mC2hJ6dF4sA0eB8gN3uK7iO1%3D',
  pwd: 'Pw1dXr5tY8uI3oPq',
  dbPass: 'Dp2sM6nB9vC4xZ7a',
  passphrase: 'Pp4hR9-kTz2-Wq7Ln',
  privateKey: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7Vz3',
  credential: 'Cr3dN7wQ5eR1tY9uGa',
  withPlaceholder: 'Ad7${Qz}Wn4!Jt8Lp',
  withMarkup: 'Hk3<xml>Rt9!Yw2Bq',
  twinKey: 'Tw1nK3yP8qR5sV2xEe',
  twinNested: 'Cl7eN4tS9cR2tX6zUo',
  routeKey: 'cm91dGVLZXlDaGFybGllLTQ0MjE2Zk0xTjh3UTV2Ug==',
  routeSignature: 'Qv6nB3mX8kL1pZ4wR7tY2uI5oE9aS0dF',
  createOptionsEnv: 'Ix5pW8dR3fT6yU1iOp',
  createOptionsAdmin: 'Ia9dM2nP5sS8wQ3eRt',
  createOptionsLong: 'Gf8aZ3xC6vB9nM2lK5jH8gF1dS4aQ7wE0rT3yU6iO9pL2kJ5hG8fD1sA4zX7cV0bN3mQ',
  createOptionsAsString: 'Es4tR7yU0iO3pA6sD9fG2hJ5kL',
  numericPassword: '73910582',
  misplacedPassword: 'Mp6wT9yR2eQ5uI8oLk',
  // Only in diff's B side, in a module B adds.
  addedModuleKey: 'Um4kE7yU0pL3oA6dR9',
  addedModuleEnv: 'Ue8nV1pW4dX7zQ0aS3',
  // Added by the patch and by the layer.
  patchToken: 'Pt3gH6jK9lZ2xC5vBn',
  layerPassword: 'Ly7uI0oP3aS6dF9gHk',
  layerTwinKey: 'Lk2wE5rT8yU1iO4pAs',
  layerRegistryPassword: 'Lr9kP2mN5bV8cX1zQw',
  // gen: values in .env.
  genRegistry: 'Gr4eN7vR0gI3sT6rYq',
  genInflux: 'Gi9nF2lU5xP8aS1sWd',
  genGrafanaLong: 'Gg3rA6fA9nA2aD5mI8nP1aS4sW7oR0dT3hA6tI9sL2oN8gE1rT4hA7nS0iX3tY6cH9aR',
  genUnderOrdinaryName: 'Go5rD8iN2aR6yN9aM3eX',
  genOnlyInOrdinaryPlace: 'Gp7lA3cE9oR4dI1nAr6Y',
} as const;

/** Diff's B side holds each secret of A rotated: written backwards. */
export const rotated = (secret: string): string => [...secret].reverse().join('');

/** Shorter than 4 characters: no 6-character run to look for, so the whole value is looked for as a token. */
export const SHORT_SECRET = 'Q7x';

export type Shape = 'broken' | 'clean';

/** The template's variables, filled in as `gen` would (secrets from SECRETS). */
function variables(): Record<string, string> {
  return {
    CONTAINER_REGISTRY_GROUP: 'contosoacr',
    CONTAINER_REGISTRY_USERNAME: 'contosoacr',
    CONTAINER_REGISTRY_PASSWORD: SECRETS.registryPassword,
    CONTAINER_REGISTRY_ADDRESS: 'contosoacr.azurecr.io',
    INFLUX_URL: 'http://influxdb:8086',
    INFLUX_USERNAME: 'edge',
    INFLUX_PASSWORD: SECRETS.createOptionsEnv,
    INFLUX_RETENTION_IN_DAYS: '30',
    INFLUX_DATABASE: 'telemetry',
    INFLUX_ADMIN_USER: 'admin',
    INFLUX_ADMIN_PASS: SECRETS.createOptionsAdmin,
    INFLUX_BIND: '/srv/influxdb:/var/lib/influxdb',
    GRAFANA_ADMIN_PASSWORD: SECRETS.createOptionsLong,
    GRAFANA_LOG_CONSOLE_LEVEL: 'info',
  };
}

/** The public template, with `${MODULES.x}` images pinned (gen would need module.json files for them). */
function template(): any {
  const text = readFileSync(TEMPLATE_SOURCE, 'utf8').replace(/\$\{MODULES\.(\w+)\}/g, 'contosoacr.azurecr.io/$1:1.0.0-amd64');
  return JSON.parse(text);
}

function fill(value: unknown, values: Record<string, string>): any {
  return JSON.parse(JSON.stringify(value).replace(/\$\{(\w+)\}/g, (whole, name: string) => (name in values ? JSON.stringify(values[name]).slice(1, -1) : whole)));
}

const agent = (manifest: any): any => manifest.modulesContent.$edgeAgent['properties.desired'];
const hub = (manifest: any): any => manifest.modulesContent.$edgeHub['properties.desired'];

/** The places the attack found, added to a filled-in manifest (still with object createOptions). */
function plant(manifest: any, shape: Shape): any {
  const desired = agent(manifest);
  const credentials = desired.runtime.settings.registryCredentials;
  credentials.lowercase = { username: 'reader', password: SECRETS.registryLowercase, address: 'lowercase.azurecr.io' };
  credentials.short = { username: 'ci', password: SHORT_SECRET, address: 'short.azurecr.io' };

  const modules = desired.modules;
  modules.simulator.env = { DB_PASSWORD: { value: SECRETS.envValueForm } };
  modules.orchestrator.env = {
    IOTHUB_CONNECTION_STRING: { value: `HostName=contoso-hub.azure-devices.net;DeviceId=orchestrator;SharedAccessKey=${SECRETS.hubKey}` },
    'Connection-String': { value: SECRETS.hyphenName },
    // Connection strings under names that say nothing of secrets.
    STORAGE: { value: `DefaultEndpointsProtocol=https;AccountName=edgestore;AccountKey=${SECRETS.accountKey};EndpointSuffix=core.windows.net` },
    UPLOAD_AUTH: { value: `SharedAccessSignature sr=contoso-hub.azure-devices.net%2Fdevices%2Forchestrator&sig=${SECRETS.sasSignature}&se=1767225600` },
    PWD: { value: SECRETS.pwd },
    DB_PASS: { value: SECRETS.dbPass },
    PASSPHRASE: { value: SECRETS.passphrase },
    PRIVATE_KEY: { value: `-----BEGIN PRIVATE KEY-----\n${SECRETS.privateKey}\n-----END PRIVATE KEY-----` },
    CREDENTIAL: { value: SECRETS.credential },
  };
  manifest.modulesContent.orchestrator = {
    'properties.desired': {
      apiKey: SECRETS.twinKey,
      storage: { account: 'edgestore', clientSecret: SECRETS.twinNested },
      // A secret inside a longer string, in a place no name marks as secret.
      note: `a!${SECRETS.envValueForm}`,
    },
  };
  hub(manifest).routes.authorizedOnly =
    `FROM /messages/modules/simulator/outputs/* WHERE $body.auth = 'HostName=contoso-hub.azure-devices.net;SharedAccessKey=${SECRETS.routeKey}' INTO BrokeredEndpoint("/modules/orchestrator/inputs/telemetry")`;

  if (shape === 'broken') {
    // Mistakes whose messages quote the value: env without {"value": …} (one longer than a message
    // quotes), a number where a string belongs, copies of secrets in enums and an integer (one
    // right after a letter, one too long to quote whole), a route that does not parse,
    // createOptions "Env" written as a string, and secrets holding placeholder-like text, copied
    // into a twin value that diff shows.
    Object.assign(modules.orchestrator.env, {
      DB_PASSWORD: SECRETS.envStringForm,
      API_TOKEN: SECRETS.envLongStringForm,
      ADMIN_PASSWORD: { value: Number(SECRETS.numericPassword) },
      ADMIN_SECRET: { value: SECRETS.withPlaceholder },
      BROKER_SECRET: { value: SECRETS.withMarkup },
    });
    modules.grafana.restartPolicy = `a!${SECRETS.registryPassword}`;
    modules.grafana.status = `running${SECRETS.credential}`;
    modules.influxdb.status = SECRETS.envLongStringForm;
    modules.influxdb.startupOrder = SECRETS.dbPass;
    // A createOptions "Env" value, a lower-case registry password and a short one, copied where
    // an enum error quotes them.
    modules.influxdb.restartPolicy = SECRETS.createOptionsAdmin;
    modules.simulator.restartPolicy = SECRETS.registryLowercase;
    modules.simulator.status = SHORT_SECRET;
    // A registry credential beside registryCredentials, where edgeAgent never reads it.
    desired.runtime.settings.misplaced = { username: 'contosoacr', password: SECRETS.misplacedPassword, address: 'misplaced.azurecr.io' };
    manifest.modulesContent.orchestrator['properties.desired'].note = `a!${SECRETS.envValueForm} ${SECRETS.withPlaceholder} ${SECRETS.withMarkup}`;
    modules.simulator.settings.createOptions = { Env: `DB_PASSWORD=${SECRETS.createOptionsAsString}` };
    hub(manifest).routes.unfinished = `FROM /messages/* WHERE $body.auth = 'SharedAccessSignature sr=contoso-hub.azure-devices.net&sig=${SECRETS.routeSignature}' INTO`;
  }
  return manifest;
}

/** createOptions as IoT Hub takes them: JSON text, in chunks of at most 512 characters. */
function stringifyCreateOptions(manifest: any): any {
  for (const group of [agent(manifest).systemModules, agent(manifest).modules]) {
    for (const module of Object.values<any>(group)) {
      const options = module.settings.createOptions;
      if (typeof options !== 'object') continue;
      const text = JSON.stringify(options);
      delete module.settings.createOptions;
      for (let start = 0, index = 0; start < text.length || index === 0; start += 512, index++) {
        module.settings[index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`] = text.slice(start, start + 512);
      }
    }
  }
  return manifest;
}

/** B's difference from A, beyond its rotated secrets: a module with secrets of its own. */
function addModule(manifest: any): any {
  agent(manifest).modules.uploader = {
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image: 'contosoacr.azurecr.io/uploader:1.0.0-amd64', createOptions: { Env: [`UPLOAD_PASSWORD=${SECRETS.addedModuleEnv}`] } },
    env: { STORAGE_KEY: { value: SECRETS.addedModuleKey } },
  };
  return manifest;
}

/**
 * A concrete manifest carrying every planted secret; side B rotates each and adds a module.
 * createOptions are JSON text as IoT Hub takes them, or, with `mappings` (YAML's authoring
 * form), left as mappings.
 */
export function plantedManifest(shape: Shape, side: 'a' | 'b' = 'a', mappings = false): any {
  const filled = fill(template(), variables());
  delete filled['$schema-template'];
  let planted = plant(filled, shape);
  if (side === 'b') planted = addModule(rotateAll(planted));
  return mappings ? planted : stringifyCreateOptions(planted);
}

/** Every planted secret in a manifest, written backwards wherever it stands. */
function rotateAll(manifest: any): any {
  let text = JSON.stringify(manifest);
  for (const secret of Object.values(SECRETS)) text = text.split(JSON.stringify(secret).slice(1, -1)).join(JSON.stringify(rotated(secret)).slice(1, -1));
  return JSON.parse(text);
}

/** A JSON Patch for plantedManifest(): adds a secret env var and rotates the registry password. */
export function plantedPatch(): unknown[] {
  const modules = '/modulesContent/$edgeAgent/properties.desired/modules';
  return [
    { op: 'add', path: `${modules}/orchestrator/env/NEW_TOKEN`, value: { value: SECRETS.patchToken } },
    { op: 'replace', path: '/modulesContent/$edgeAgent/properties.desired/runtime/settings/registryCredentials/contosoacr/password', value: rotated(SECRETS.registryPassword) },
  ];
}

/** A layered deployment for plantedManifest() that brings its own secrets and replaces the registry password. */
export function plantedLayer(): unknown {
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired.modules.orchestrator.env.LAYER_PASSWORD': { value: SECRETS.layerPassword },
        'properties.desired.runtime.settings.registryCredentials.contosoacr': { username: 'contosoacr', password: SECRETS.layerRegistryPassword, address: 'contosoacr.azurecr.io' },
      },
      orchestrator: { 'properties.desired.layerKey': SECRETS.layerTwinKey },
    },
  };
}

/**
 * A template for gen and the .env that fills it. The secrets reach the manifest only through
 * .env: under their own names, and one under an ordinary name (DB_VALUE) that a secret env var
 * uses. `refused` adds mistakes whose messages quote the filled-in values: an image, a
 * restartPolicy and a startupOrder taken from secret variables, one of which (SERVICE_TOKEN)
 * reaches no secret place, so only its .env name says it is secret.
 */
export function plantedTemplate(refused: boolean): { template: unknown; env: string } {
  const source = template();
  const modules = agent(source).modules;
  modules.simulator.env = { DB_PASSWORD: { value: '${DB_VALUE}' } };
  if (refused) {
    modules.simulator.settings.image = '${INFLUX_ADMIN_PASS}';
    modules.grafana.restartPolicy = '${GRAFANA_ADMIN_PASSWORD}';
    modules.orchestrator.startupOrder = '${DB_VALUE}';
    modules.orchestrator.restartPolicy = '${SERVICE_TOKEN}';
  }
  const values = {
    ...variables(),
    CONTAINER_REGISTRY_PASSWORD: SECRETS.genRegistry,
    INFLUX_PASSWORD: SECRETS.genInflux,
    GRAFANA_ADMIN_PASSWORD: SECRETS.genGrafanaLong,
    DB_VALUE: SECRETS.genUnderOrdinaryName,
    SERVICE_TOKEN: SECRETS.genOnlyInOrdinaryPlace,
  };
  const env = Object.entries(values).map(([name, value]) => `${name}=${value}`).join('\n');
  return { template: source, env: `${env}\n` };
}

/** Every planted secret, in A's form and in B's (rotated), with its 6-character runs. */
const SECRET_RUNS: [string, string[]][] = Object.entries(SECRETS).flatMap(([label, secret]) =>
  [
    [label, secret],
    [`${label} (B)`, rotated(secret)],
  ].map(([name, value]) => [name!, Array.from({ length: value!.length - 5 }, (_, start) => value!.slice(start, start + 6))] as [string, string[]]),
);
const SHORT_SECRET_TOKEN = new RegExp(`(?<![A-Za-z0-9])${SHORT_SECRET}(?![A-Za-z0-9])`);

/** An output as written, and with JSON string escapes and XML entities undone, where a secret may hide. */
function readingsOf(text: string): string[] {
  const json = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\(["\\/])/g, '$1');
  const xml = text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code))).replace(/&amp;/g, '&');
  return [text, json, xml];
}

/**
 * Every planted secret (or 6-character run of one) in a text, with where it was seen: the check
 * secrets-battery.test.ts makes, shared with test/fuzz/secrets-every-command.test.ts.
 */
export function leaksIn(where: string, output: string): string[] {
  const found: string[] = [];
  for (const [label, runs] of SECRET_RUNS) {
    for (const text of readingsOf(output)) {
      const run = runs.find((candidate) => text.includes(candidate));
      if (run === undefined) continue;
      const index = text.indexOf(run);
      found.push(`${where}: ${label} ("${run}" in …${text.slice(Math.max(0, index - 40), index + 46).replace(/\n/g, '⏎')}…)`);
      break;
    }
  }
  if (readingsOf(output).some((text) => SHORT_SECRET_TOKEN.test(text))) found.push(`${where}: the short registry password`);
  return found;
}
