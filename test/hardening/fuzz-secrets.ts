// Issue 9, "Proof": the secrets the property test plants in every generated manifest, where they
// are planted, and how an output is searched for them. The places are those of the secrets
// battery (planted-secrets.ts): a registry password, an env var in both forms, a createOptions
// "Env" entry, twin values, a connection string under an ordinary name, a route condition, a
// patch that adds a secret env var, and .env values that gen fills in.
//
// A planted secret is checked only while it still stands where it was planted (a mutation may
// delete or replace it, or its parent): a value the user no longer keeps under a secret name is
// not a secret. Copies that a mutation made elsewhere must still be masked, since masking knows
// the value from its planted place.
import { firstModule, isObject, places, put, valueAt, type Doc } from './manifest-places.js';

/** Random-looking values, so that any 6-character run of one found in an output can only have come from it. */
export const FUZZ_SECRETS = {
  registryPassword: 'Fz7rQ2vX9mLk4wZtRg',
  envValueForm: 'Fz4jN7pR2sKd9xGeVf',
  envStringForm: 'Fz3kW8nQ1zHb6yTcJ4Sf',
  createOptionsEnv: 'Fz5pW8dR3fT6yU1iOpIx',
  twinKey: 'Fz1nK3yP8qR5sV2xEeTw',
  twinNested: 'Fz7eN4tS9cR2tX6zUoCl',
  accountKey: 'RnpBY2NvdW50S2V5OTEzeFI3bVEyd1o1a0w4blY0cEgx',
  routeKey: 'RnpSb3V0ZUtleTQ0MjE2Zk0xTjh3UTV2Ug==',
  patchToken: 'Fz3gH6jK9lZ2xC5vBnPt',
  genRegistry: 'Fz4eN7vR0gI3sT6rYqGr',
  genInflux: 'Fz9nF2lU5xP8aS1sWdGi',
  genToken: 'Fz6tK1nP4wQ7zR0mXbGt',
} as const;

export type PlantKind = 'registry' | 'envValue' | 'envString' | 'createOptionsEnv' | 'twin' | 'connectionString' | 'route';
export const PLANT_KINDS: readonly PlantKind[] = ['registry', 'envValue', 'envString', 'createOptionsEnv', 'twin', 'connectionString', 'route'];

/** One planted secret: the path (own keys) that holds the value that carries it, and the names near it that make it secret. */
export interface Planted {
  secret: string;
  path: string[];
  /** The value the path holds (the secret itself, or the text that carries it). */
  holder: string;
  /** Text a text edit must not touch: the names that make the secret one. */
  names: string[];
}

/**
 * Plants the secrets of the kinds given into a parsed manifest (createOptions must be objects
 * here; they are serialized later). Returns where each one stands.
 */
export function plantSecrets(doc: Doc, kinds: readonly PlantKind[]): Planted[] {
  const where = places(doc);
  const module = firstModule(doc);
  const planted: Planted[] = [];
  const plant = (path: string[], holder: string, secret: string, names: string[]): void => {
    put(doc, path, holder);
    planted.push({ secret, path, holder, names });
  };
  const env = [...where.module(module), 'env'];
  for (const kind of kinds) {
    switch (kind) {
      case 'registry': {
        const credentials = where.layered ? [...where.agent, 'properties.desired.runtime.settings.registryCredentials.fuzzacr'] : [...where.agent, 'runtime', 'settings', 'registryCredentials', 'fuzzacr'];
        put(doc, [...credentials, 'username'], 'fuzzacr');
        put(doc, [...credentials, 'address'], 'fuzzacr.azurecr.io');
        plant([...credentials, 'password'], FUZZ_SECRETS.registryPassword, FUZZ_SECRETS.registryPassword, ['password']);
        break;
      }
      case 'envValue':
        plant([...env, 'DB_PASSWORD', 'value'], FUZZ_SECRETS.envValueForm, FUZZ_SECRETS.envValueForm, ['DB_PASSWORD', 'value']);
        break;
      case 'envString':
        // The form without {"value": …}: a schema error whose message would quote the value.
        plant([...env, 'API_TOKEN'], FUZZ_SECRETS.envStringForm, FUZZ_SECRETS.envStringForm, ['API_TOKEN']);
        break;
      case 'createOptionsEnv': {
        const options = [...where.module(module), 'settings', 'createOptions'];
        const current = valueAt(doc, options);
        const entry = `DB_PASSWORD=${FUZZ_SECRETS.createOptionsEnv}`;
        if (!isObject(current)) put(doc, options, {});
        put(doc, [...options, 'Env'], [entry]);
        planted.push({ secret: FUZZ_SECRETS.createOptionsEnv, path: [...options, 'Env', '0'], holder: entry, names: ['DB_PASSWORD'] });
        break;
      }
      case 'twin':
        plant(where.twin(module, 'apiKey'), FUZZ_SECRETS.twinKey, FUZZ_SECRETS.twinKey, ['apiKey']);
        put(doc, [...where.twin(module, 'storage'), 'account'], 'edgestore');
        plant([...where.twin(module, 'storage'), 'clientSecret'], FUZZ_SECRETS.twinNested, FUZZ_SECRETS.twinNested, ['clientSecret']);
        break;
      case 'connectionString': {
        const value = `DefaultEndpointsProtocol=https;AccountName=edgestore;AccountKey=${FUZZ_SECRETS.accountKey};EndpointSuffix=core.windows.net`;
        plant([...env, 'STORAGE', 'value'], value, FUZZ_SECRETS.accountKey, ['AccountKey']);
        break;
      }
      case 'route': {
        const route = `FROM /messages/modules/${module}/outputs/* WHERE $body.auth = 'HostName=contoso.azure-devices.net;SharedAccessKey=${FUZZ_SECRETS.routeKey}' INTO $upstream`;
        plant(where.hubRoute('fuzzAuthorized'), route, FUZZ_SECRETS.routeKey, ['SharedAccessKey']);
        break;
      }
    }
  }
  return planted;
}

/** The path the patch's secret env var is added at, as a JSON Pointer, and the value it adds. */
export function patchSecretOp(doc: Doc): { op: 'add'; path: string; value: unknown } {
  const where = places(doc);
  const env = [...where.module(firstModule(doc)), 'env', 'PATCH_TOKEN'];
  return { op: 'add', path: `/${env.map((key) => key.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`, value: { value: FUZZ_SECRETS.patchToken } };
}

/** The .env gen reads: the influxdb-grafana template's variables, secrets among them, and FUZZ_TOKEN for generated `${…}` strings. */
export const GEN_ENV = [
  'CONTAINER_REGISTRY_USERNAME=contosoacr',
  `CONTAINER_REGISTRY_PASSWORD=${FUZZ_SECRETS.genRegistry}`,
  'CONTAINER_REGISTRY_ADDRESS=contosoacr.azurecr.io',
  'CONTAINER_REGISTRY_GROUP=contosoacr',
  'INFLUX_URL=http://influxdb:8086',
  'INFLUX_USERNAME=edge',
  `INFLUX_PASSWORD=${FUZZ_SECRETS.genInflux}`,
  'INFLUX_DATABASE=telemetry',
  `FUZZ_TOKEN=${FUZZ_SECRETS.genToken}`,
  '',
].join('\n');

/** The secrets planted by .env and the patch: checked whenever the command read them. */
export const GEN_SECRETS = [FUZZ_SECRETS.genRegistry, FUZZ_SECRETS.genInflux, FUZZ_SECRETS.genToken];

/** An output as written, and with JSON string escapes and XML entities undone, where a secret may hide. */
function readings(text: string): string[] {
  const json = text.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))).replace(/\\(["\\/])/g, '$1');
  const xml = text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/&amp;/g, '&');
  return [text, json, xml];
}

const runsOf = (secret: string): string[] => Array.from({ length: secret.length - 5 }, (_, start) => secret.slice(start, start + 6));

/** The first planted secret (or 6-character run of one) found in an output, described with its surroundings. */
export function leakIn(output: string, secrets: readonly string[]): string | undefined {
  for (const text of readings(output)) {
    for (const secret of secrets) {
      const run = runsOf(secret).find((candidate) => text.includes(candidate));
      if (run === undefined) continue;
      const index = text.indexOf(run);
      return `"${run}" of ${secret} in …${text.slice(Math.max(0, index - 60), index + 60).replace(/\n/g, '⏎')}…`;
    }
  }
  return undefined;
}
