// A literal secret in a manifest: a registry password, or an env var such as SHARED_ACCESS_KEY.
// Manifests live in source control and in IoT Hub, where anyone who can read the deployment
// (or the $edgeAgent twin) reads the secret. The message never repeats the value.
import { createOptionsOf } from '../manifest/docker/module-create-options.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf, listEnv } from '../manifest/manifest-views.js';
import type { Rule, RuleReport } from './rule.js';
import { isDummyValue, isHarmlessValue, isPlaceholderValue, isSecretName, looksLikeKeyedConnectionString, placeholderNameFor } from '../manifest/secret-values.js';

/**
 * A switch whose name holds a secret word, such as bitnami's ALLOW_EMPTY_PASSWORD=yes (Redis in
 * azure-intelligent-edge-patterns edge-ai-void-detection): these values turn a feature on or off.
 */
const SWITCH_VALUE = /^(yes|no|true|false|on|off|0|1)$/i;

/**
 * Values that hold no secret whatever the name: a switch, or one character, which is a stand-in
 * (APPINSIGHTS_CONNECTION_STRING = "x" in mobilabsolutions/iotedge-cicd-github-actions) and
 * would protect nothing if it were meant.
 */
function isSwitchOrStandIn(value: string): boolean {
  const text = value.trim();
  return SWITCH_VALUE.test(text) || [...text].length === 1;
}

function isLiteralSecret(name: string, value: unknown): boolean {
  // Name and value tests first: most env vars fail them, and they are cheaper than isHarmlessValue.
  if (!isSecretName(name) && !(typeof value === 'string' && looksLikeKeyedConnectionString(value))) return false;
  return !isHarmlessValue(value) && !(typeof value === 'string' && isSwitchOrStandIn(value));
}

export const plaintextSecret: Rule = {
  meta: {
    id: 'plaintext-secret',
    defaultSeverity: 'warning',
    description: 'A literal secret (a registry password, or an env var named like a key, token, password or connection string) written into the manifest.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/tutorial-develop-for-linux (the container registry credentials go in the solution .env file, which the template references as $CONTAINER_REGISTRY_USERNAME and $CONTAINER_REGISTRY_PASSWORD)',
        'Azure/iotedgedev `solution genconfig`: fills $VAR and ${VAR} from .env or the environment when it writes the manifest',
        'Azure Pipelines: secret variables are masked in logs and not stored in the repository',
      ],
    },
    messages: {
      registryPassword: 'registry credential "{{credential}}" holds a literal password, readable by anyone with this file or the deployment; write a placeholder filled at deploy time instead, such as "$CONTAINER_REGISTRY_PASSWORD" with `edgewise gen`, or a pipeline secret',
      env: '{{module}} sets the env var {{name}} to a literal secret, readable by anyone with this file or the deployment; write a placeholder filled at deploy time instead, such as "${{placeholder}}" with `edgewise gen`, or a pipeline secret',
      createOptionsEnv: '{{module}} sets {{name}} in createOptions Env to a literal secret, readable by anyone with this file or the deployment; move it to the module\'s env with a placeholder filled at deploy time, such as "${{placeholder}}" with `edgewise gen`, or use a pipeline secret',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];

    const agent = desiredOf(manifest, '$edgeAgent');
    const runtime = agent?.value.runtime;
    const settings = isPlainObject(runtime) ? runtime.settings : undefined;
    const credentials = isPlainObject(settings) ? settings.registryCredentials : undefined;
    if (agent && isPlainObject(credentials)) {
      for (const [credential, entry] of Object.entries(credentials)) {
        if (!isPlainObject(entry) || typeof entry.password !== 'string') continue;
        const password = entry.password.trim();
        if (password === '' || isPlaceholderValue(password) || isDummyValue(password) || [...password].length === 1) continue;
        const pointer = appendPointer(agent.pointer, 'runtime', 'settings', 'registryCredentials', credential, 'password');
        reports.push({ messageId: 'registryPassword', data: { credential }, pointer });
      }
    }

    for (const module of manifest.modules) {
      for (const env of listEnv(module.definition, module.pointer)) {
        if (!isLiteralSecret(env.name, env.value)) continue;
        reports.push({ messageId: 'env', data: { module: module.name, name: env.name, placeholder: placeholderNameFor(env.name) }, pointer: appendPointer(env.pointer, 'value') });
      }
      const options = createOptionsOf(manifest, module);
      const entries = options?.value?.Env;
      if (!options || !Array.isArray(entries)) continue;
      entries.forEach((entry, index) => {
        if (typeof entry !== 'string' || !entry.includes('=')) return;
        const name = entry.slice(0, entry.indexOf('='));
        if (!isLiteralSecret(name, entry.slice(name.length + 1))) return;
        reports.push({ messageId: 'createOptionsEnv', data: { module: module.name, name, placeholder: placeholderNameFor(name) }, pointer: appendPointer(options.pointer, 'Env', index) });
      });
    }
    return reports;
  },
};
