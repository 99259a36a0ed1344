// Issue 9, "Secrets that are printed today", case by case under the CLI battery
// (test/hardening/secrets-battery.test.ts): the one secret-name test, what a manifest's secrets
// are, and masking. The manifests are the battery's (planted-secrets.ts: Azure-Samples/
// iot-edge-influxdb-grafana's deployment template, filled in with planted secrets).
import { describe, expect, it } from 'vitest';
import * as diffMasking from '../../src/diff/secret-masking.js';
import * as ruleNames from '../../src/manifest/secret-values.js';
import { collectSecrets, isSecretName, MASK, maskSecrets, maskSecretShapes } from '../../src/manifest/secrets.js';
import { validateSource } from '../../src/validate/validate-source.js';
import { plantedManifest, rotated, SECRETS, SHORT_SECRET } from '../hardening/planted-secrets.js';

async function validated(manifest: unknown) {
  return validateSource({ file: 'deployment.json', text: JSON.stringify(manifest, null, 2) });
}

describe('one secret-name test', () => {
  it('is the same function for lint, masking and diff', () => {
    expect(ruleNames.isSecretName).toBe(isSecretName);
    expect(diffMasking.isSecretName).toBe(isSecretName);
  });

  it.each(['Connection-String', 'IOTHUB_CONNECTION_STRING', 'IoTHubConnectionString', 'DB_CONNSTR', 'PWD', 'DB_PASS', 'PASSPHRASE', 'PRIVATE_KEY', 'CREDENTIAL', 'AZURE_CREDENTIALS', 'STORAGE_SAS', 'SharedAccessKey', 'apiKey', 'clientSecret', 'password', 'MSSQL_SA_PASSWORD'])(
    '%s is a secret name',
    (name) => expect(isSecretName(name)).toBe(true),
  );

  it.each(['KEY_VAULT_URL', 'SharedAccessKeyName', 'PUBLIC_KEY', 'publicKey', 'PROXY_BYPASS', 'COMPASS', 'DB_PASSWORD_FILE', 'TOKEN_EXPIRY', 'registryCredentials', 'LOG_LEVEL', 'username'])('%s is not', (name) => expect(isSecretName(name)).toBe(false));
});

describe("a manifest's secrets", () => {
  it('are found in every place: both env forms, createOptions Env in chunks, twins, registries, connection strings under any name, routes', async () => {
    const { manifest } = await validated(plantedManifest('broken'));
    const secrets = collectSecrets(manifest!);
    const expected = [
      SECRETS.registryPassword,
      SECRETS.registryLowercase,
      SHORT_SECRET,
      SECRETS.envStringForm,
      SECRETS.envLongStringForm,
      SECRETS.envValueForm,
      SECRETS.numericPassword,
      SECRETS.hubKey,
      SECRETS.hyphenName,
      SECRETS.accountKey,
      SECRETS.sasSignature,
      SECRETS.pwd,
      SECRETS.dbPass,
      SECRETS.passphrase,
      SECRETS.credential,
      SECRETS.withPlaceholder,
      SECRETS.withMarkup,
      SECRETS.twinKey,
      SECRETS.twinNested,
      SECRETS.routeKey,
      SECRETS.routeSignature,
      SECRETS.createOptionsEnv,
      SECRETS.createOptionsAdmin,
      SECRETS.createOptionsLong,
      SECRETS.createOptionsAsString,
    ];
    expect(secrets).toEqual(expect.arrayContaining(expected));
    expect(secrets.find((secret) => secret.includes(SECRETS.privateKey))).toBeDefined();
  });

  it('leave out what hides nothing and what messages must quote: placeholders, fill-in text, paths, switches', async () => {
    const manifest = plantedManifest('clean');
    manifest.modulesContent.$edgeAgent['properties.desired'].modules.simulator.env = {
      DB_PASSWORD: { value: '${DB_PASSWORD}' },
      API_KEY: { value: '<Use the primary key of your workspace>' },
      CLIENT_SECRET: { value: 'REPLACE_ME' },
      CERT_KEY: { value: '/run/secrets/cert.key' },
      ALLOW_EMPTY_PASSWORD: { value: 'yes' },
    };
    const secrets = collectSecrets((await validated(manifest)).manifest!);
    for (const value of ['${DB_PASSWORD}', '<Use the primary key of your workspace>', 'REPLACE_ME', '/run/secrets/cert.key', 'yes']) expect(secrets).not.toContain(value);
  });
});

describe('masking', () => {
  const secrets = [SECRETS.registryPassword, SECRETS.withPlaceholder, SECRETS.withMarkup, SECRETS.envLongStringForm, 'password', SHORT_SECRET].sort((a, b) => b.length - a.length);

  it('masks a secret inside a longer string, even right after a letter', () => {
    expect(maskSecrets(`(got "a!${SECRETS.registryPassword}")`, secrets)).toBe('(got "a!****")');
    expect(maskSecrets(`(got "running${SECRETS.registryPassword}")`, secrets)).toBe('(got "running****")');
  });

  it('masks a secret that holds placeholder-like text, in JSON-escaped form too', () => {
    expect(maskSecrets(`note ${SECRETS.withPlaceholder} and ${SECRETS.withMarkup}`, secrets)).toBe('note **** and ****');
    expect(maskSecrets(JSON.stringify({ message: `got "${SECRETS.withMarkup}"` }), secrets)).toBe(JSON.stringify({ message: 'got "****"' }));
  });

  it('masks the start of a secret that a message cut short', () => {
    expect(maskSecrets(`(got "${SECRETS.envLongStringForm.slice(0, 40)}…)`, secrets)).toBe('(got "****…)');
  });

  it('masks a plain lower-case or short secret only where it stands as a value, not the words of a message', () => {
    const message = 'registry credential "acr" holds a literal password; `password` must not be empty';
    expect(maskSecrets(message, secrets)).toBe(message);
    expect(maskSecrets('(got "password")', secrets)).toBe('(got "****")');
    expect(maskSecrets(`(got "${SHORT_SECRET}")`, secrets)).toBe('(got "****")');
    expect(maskSecrets('  password: password', secrets)).toBe('  password: ****');
  });

  it('masks the key parts of connection strings and SAS tokens, and SECRET_NAME=value, known or not', () => {
    const text =
      '"HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=abcDEF123+/=" ' +
      '"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Zm9vYmFy==;EndpointSuffix=core.windows.net" ' +
      '"SharedAccessSignature sr=hub%2Fdevices%2Fd1&sig=c2lnbmF0dXJl%3D&se=1767225600" ' +
      '"Server=db;User Id=sa;Password=Str0ng!Pass;" "DB_PASSWORD=hunter22" "LOG_LEVEL=debug" "INFLUX_PASSWORD=${INFLUX_PASSWORD}"';
    expect(maskSecretShapes(text)).toBe(
      '"HostName=hub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=****" ' +
        '"DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=****;EndpointSuffix=core.windows.net" ' +
        '"SharedAccessSignature sr=hub%2Fdevices%2Fd1&sig=****&se=1767225600" ' +
        '"Server=db;User Id=sa;Password=****;" "DB_PASSWORD=****" "LOG_LEVEL=debug" "INFLUX_PASSWORD=${INFLUX_PASSWORD}"',
    );
    expect(maskSecrets(text, [])).toBe(maskSecretShapes(text));
  });

  it('masks the same with many secrets, looked up by their first characters instead of one by one', () => {
    // A deployment with a module per device, each with its own key (as the scaling benchmark's shapes).
    const many = Array.from({ length: 500 }, (_, index) => `Dk${index}x${rotated(SECRETS.twinKey)}`).sort((a, b) => b.length - a.length);
    const message = `(got "a!${many[7]}") then ${many[300]}, and "${many[42]!.slice(0, 30)}…"`;
    expect(maskSecrets(message, many)).toBe('(got "a!****") then ****, and "****…"');
  });

  it('leaves the mask itself alone', () => {
    expect(maskSecrets(`DB_PASSWORD=${MASK}`, secrets)).toBe(`DB_PASSWORD=${MASK}`);
  });
});

describe('schema messages never quote a secret', () => {
  it('show a value under a secret name as the mask, a string or a number', async () => {
    const manifest = plantedManifest('broken');
    manifest.modulesContent.$edgeAgent['properties.desired'].runtime.settings.registryCredentials.contosoacr.password = Number(SECRETS.numericPassword);
    const messages = (await validated(manifest)).findings.map((finding) => finding.message);
    expect(messages).toContain('environment variable `DB_PASSWORD` must be written as {"value": …} (got string "****")');
    expect(messages).toContain('environment variable `API_TOKEN` must be written as {"value": …} (got string "****")');
    expect(messages).toContain('`password` must be a string (got number "****")');
  });

  it('mask a secret copied elsewhere before cutting a long value', async () => {
    const messages = (await validated(plantedManifest('broken'))).findings.map((finding) => finding.message);
    expect(messages).toContain('`status` must be one of running, stopped (got "****")');
    expect(messages).toContain('`Env` must be an array (got string "DB_PASSWORD=****")');
    for (const message of messages) expect(message).not.toContain(SECRETS.envLongStringForm.slice(0, 6));
  });
});
