// Schema findings on small manifests built from templates/minimal.json, one mistake each.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSource } from '../../src/validate/validate-source.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'validate');

async function validateFixture(name: string) {
  const file = join(FIXTURES, name);
  const text = readFileSync(file, 'utf8');
  return { text, ...(await validateSource({ file, text })) };
}

/** 1-based line/column of the n-th occurrence of `needle`, to keep expectations readable. */
function positionOf(text: string, needle: string, skip = 0): { line: number; column: number } {
  const found = text.indexOf(needle);
  if (found < 0) throw new Error(`fixture lacks ${needle}`);
  const offset = found + skip;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

/** A small YAML manifest; edgeHub's restartPolicy and settings lines vary per test. */
function yamlManifest(edgeHubRestartPolicy: string, edgeHubSettings: string[]): string {
  return [
    'modulesContent:',
    '  $edgeAgent:',
    '    properties.desired:',
    '      schemaVersion: "1.1"',
    '      runtime: {type: docker, settings: {}}',
    '      systemModules:',
    '        edgeAgent: {type: docker, settings: {image: "mcr.microsoft.com/azureiotedge-agent:1.5"}}',
    '        edgeHub:',
    '          type: docker',
    '          status: running',
    `          restartPolicy: ${edgeHubRestartPolicy}`,
    ...edgeHubSettings,
    '  $edgeHub:',
    '    properties.desired:',
    '      schemaVersion: "1.1"',
    '      routes: {}',
    '      storeAndForwardConfiguration: {timeToLiveSecs: 7200}',
    '',
  ].join('\n');
}

describe('validateSource', () => {
  it('accepts the bundled templates', async () => {
    const templates = readdirSync(join(import.meta.dirname, '..', '..', 'templates')).filter((name) => name.endsWith('.json'));
    expect(templates.length).toBeGreaterThanOrEqual(3);
    for (const name of templates) {
      const file = join(import.meta.dirname, '..', '..', 'templates', name);
      const result = await validateSource({ file, text: readFileSync(file, 'utf8') });
      expect(result.findings, name).toEqual([]);
    }
  });

  it('names the allowed values of an enum and the value found', async () => {
    const { text, findings } = await validateFixture('restart-policy-typo.json');
    expect(findings).toEqual([
      {
        file: expect.stringContaining('restart-policy-typo.json'),
        ruleId: 'schema',
        severity: 'error',
        message: '`restartPolicy` must be one of never, on-failure, on-unhealthy, always (got "on-failured")',
        pointer: '/modulesContent/$edgeAgent/properties.desired/modules/sensor/restartPolicy',
        ...positionOf(text, '"on-failured"'),
      },
    ]);
  });

  it('explains a feature used under a schemaVersion that lacks it, at the key', async () => {
    const { text, findings } = await validateFixture('startup-order-under-agent-1.0.json');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'schema-version', ...positionOf(text, '"startupOrder"') });
    expect(findings[0]!.message).toBe(
      '`startupOrder` needs $edgeAgent schemaVersion 1.1 or later; this file declares schemaVersion 1.0. Raise schemaVersion or remove `startupOrder`',
    );
  });

  it('refuses object routes under edgeHub 1.0 with one error, not a anyOf cascade', async () => {
    const { text, findings } = await validateFixture('object-route-under-hub-1.0.json');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ pointer: '/modulesContent/$edgeHub/properties.desired/routes/upstream', ...positionOf(text, '"upstream": {', '"upstream": '.length) });
    expect(findings[0]!.message).toMatch(/^route `upstream` is an object, which needs \$edgeHub schemaVersion 1\.1/);
  });

  it('checks parsed createOptions: wrong types are errors, unknown keys warnings with a suggestion, both inside the string', async () => {
    const { text, findings } = await validateFixture('create-options-types.json');
    expect(findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        message: '`Binds` must be an array (got string "/srv/data:/data")',
        pointer: '/modulesContent/$edgeAgent/properties.desired/modules/sensor/settings/createOptions/HostConfig/Binds',
        ...positionOf(text, '\\"/srv/data'),
      }),
      expect.objectContaining({
        severity: 'warning',
        message: '`PortBinding` is not a known key of `HostConfig`; did you mean `PortBindings`?',
        ...positionOf(text, '\\"PortBinding\\"'),
      }),
    ]);
  });

  it('flags a placeholder left in a manifest, but not in a template', async () => {
    const manifest = await validateFixture('placeholder-in-manifest.json');
    expect(manifest.findings).toEqual([expect.objectContaining({ ruleId: 'unresolved-placeholder', ...positionOf(manifest.text, '"${EDGEAGENT') })]);
    expect(manifest.findings[0]!.message).toContain('unresolved placeholder ${EDGEAGENT_SCHEMA_VERSION}');
    const template = await validateFixture('placeholder.template.json');
    expect(template.findings).toEqual([]);
  });

  it('validates YAML manifests with positions in the YAML text', async () => {
    const text = yamlManifest('sometimes', ['          settings: {image: "mcr.microsoft.com/azureiotedge-hub:1.5"}']);
    const { findings } = await validateSource({ file: 'deployment.yaml', text });
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'schema', line: 11, column: 26 })]);
    expect(findings[0]!.message).toContain('(got "sometimes")');
  });

  it('reports the legacy moduleContent key as deprecated, and still validates inside it', async () => {
    const text = JSON.stringify({ moduleContent: { $edgeHub: { 'properties.desired': { schemaVersion: '1.4' } } } }, null, 2);
    const { findings } = await validateSource({ file: 'legacy.json', text });
    expect(findings.map((f) => [f.severity, f.pointer])).toEqual([
      ['warning', '/moduleContent'],
      ['error', '/moduleContent/$edgeHub/properties.desired/schemaVersion'],
    ]);
  });

  it('checks a bare $edgeHub fragment with pointers into the fragment', async () => {
    const text = JSON.stringify({ $edgeHub: { 'properties.desired': { schemaVersion: '1.2', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 'long' } } } }, null, 2);
    const { findings } = await validateSource({ file: 'fragment.json', text });
    expect(findings).toEqual([expect.objectContaining({ pointer: '/$edgeHub/properties.desired/storeAndForwardConfiguration/timeToLiveSecs', line: 7, column: 27 })]);
  });

  it('says so when a file is not a manifest at all', async () => {
    const { findings } = await validateSource({ file: 'package.json', text: '{"name": "x"}' });
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'schema', line: 1, column: 1 })]);
    expect(findings[0]!.message).toMatch(/not a deployment manifest/);
  });
});

describe('one readable message per mistake', () => {
  const minimal = readFileSync(join(import.meta.dirname, '..', '..', 'templates', 'minimal.json'), 'utf8');
  type Manifest = { modulesContent: Record<string, { 'properties.desired': Record<string, any> }> } & Record<string, unknown>;
  const agent = (m: Manifest) => m.modulesContent.$edgeAgent!['properties.desired'];
  const hub = (m: Manifest) => m.modulesContent.$edgeHub!['properties.desired'];
  const cases: [string, (m: Manifest) => void, string][] = [
    ['env value of the wrong type', (m) => (agent(m).systemModules.edgeHub.env = { X: { value: [1] } }), '`value` must be a string, a number or a boolean (got an array)'],
    ['env written without {value}', (m) => (agent(m).systemModules.edgeHub.env = { X: 'plain' }), 'environment variable `X` must be written as {"value": …} (got string "plain")'],
    ['misspelt system twin', (m) => ((m.modulesContent.$edgeagent = m.modulesContent.$edgeAgent!), delete m.modulesContent.$edgeAgent), 'module twin `$edgeagent` is not allowed: did you mean `$edgeAgent`? Names are case-sensitive'],
    ['route priority out of range', (m) => (hub(m).routes.upstream.priority = 12), '`priority` must be <= 9 (got 12)'],
    ['route that is a number', (m) => (hub(m).routes.bad = 5), 'route `bad` must be a route string or a {"route": …, "priority": …, "timeToLiveSecs": …} object (got number 5)'],
    ['missing store and forward under hub 1.1', (m) => delete hub(m).storeAndForwardConfiguration, '`properties.desired` is missing `storeAndForwardConfiguration`, which $edgeHub schemaVersion 1.1 and later require; add "storeAndForwardConfiguration": {"timeToLiveSecs": 7200} (or the time messages must survive offline)'],
    ['module name with a dot', (m) => (agent(m).modules['my.module'] = { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'x:1' } }), "module name `my.module` is not allowed: use 1 to 128 letters, digits or - : + % _ * ? ! ( ) , = @ ; ' (no . $ # or spaces: module names are also twin keys)"],
    ['a twin key with a dot in a module\'s desired properties', (m) => (m.modulesContent.sensor = { 'properties.desired': { config: { 'sampling.rate': 5 } } }), "key `sampling.rate` is not allowed: IoT Hub refuses twin keys that contain '.', '$', a space or a control character"],
    ['two roots', (m) => (m.moduleContent = {}), 'a manifest holds exactly one of `modulesContent`, `moduleContent` or `content`; remove `moduleContent`'],
    ['hub schemaVersion 1.4', (m) => (hub(m).schemaVersion = '1.4'), '`schemaVersion` "1.4" is not valid: edgeHub accepts 1.0, 1.1, 1.2 or 1.3'],
    ['agent schemaVersion 1.2', (m) => (agent(m).schemaVersion = '1.2'), '`schemaVersion` "1.2" is not valid: edgeAgent accepts 1.0 or 1.1 (also written 1.0.0 or 1.1.0)'],
    // As OPCFoundation/UA-EdgeTranslator's deployment.template.json writes it.
    ['a comment written as a key', (m) => (agent(m).runtime.settings._comment_registryCredentials = 'add yours'), '`_comment_registryCredentials` reads as a comment; nothing reads it, as intended'],
    ['an empty $edgeAgent section', (m) => (m.modulesContent.$edgeAgent = {} as never), '`$edgeAgent` must not be empty'],
  ];
  it.each(cases)('%s', async (_title, mutate, message) => {
    const manifest = JSON.parse(minimal) as Manifest;
    mutate(manifest);
    const { findings } = await validateSource({ file: 'case.json', text: JSON.stringify(manifest, null, 2) });
    expect(findings.map((f) => f.message)).toEqual([message]);
  });
});

describe('YAML manifests', () => {
  it('may write createOptions as a mapping, which is still checked against the Docker schema', async () => {
    const text = yamlManifest('always', [
      '          settings:',
      '            image: mcr.microsoft.com/azureiotedge-hub:1.5',
      '            createOptions:',
      '              HostConfig:',
      '                PortBinding: {}',
    ]);
    const { findings } = await validateSource({ file: 'deployment.yaml', text });
    expect(findings.map((f) => [f.ruleId, f.severity, f.line, f.column])).toEqual([['create-options-docker', 'warning', 16, 17]]);
  });
});

describe('createOptions keys, settings keys and twin sections as real deployments write them', () => {
  // Fixtures: test/fixtures/validate/make-issue8-fixtures.mjs (sources named there).
  const findingsOf = async (name: string) => {
    const { text, findings } = await validateFixture(name);
    return { text, list: findings.map((f) => [f.ruleId, f.severity, f.pointer.replace(/^.*\/modules\/|^\/modulesContent\//, ''), f.line, f.column]) };
  };

  it('notes a key written in another case than Docker documents, and still checks what is under it', async () => {
    const { text, list } = await findingsOf('create-options-key-case.json');
    expect(list).toEqual([
      ['create-options-docker', 'info', 'gpu/settings/createOptions/HostConfig/runtime', ...Object.values(positionOf(text, '\\"runtime'))],
      ['create-options-docker', 'info', 'camera/settings/createOptions/hostconfig', ...Object.values(positionOf(text, '\\"hostconfig'))],
      ['create-options-docker', 'info', 'camera/settings/createOptions/hostconfig/binds', ...Object.values(positionOf(text, '\\"binds'))],
      // The value under the folded keys is checked, and reported at the keys as written.
      ['schema', 'error', 'camera/settings/createOptions/hostconfig/binds', ...Object.values(positionOf(text, '\\"/dev/video0'))],
    ]);
    // k8s-experimental (IoT Edge on Kubernetes) is a known section, camelCase names included.
    expect(list.some((entry) => String(entry[2]).startsWith('ase/'))).toBe(false);
  });

  it('says so when a key and its other-case twin set the same field, in templates too', async () => {
    const { findings } = await validateFixture('create-options-key-case.template.json');
    expect(findings.map((f) => [f.ruleId, f.severity])).toEqual([
      ['create-options-docker', 'warning'],
      ['create-options-docker', 'info'],
      ['schema', 'error'],
    ]);
    expect(findings[0]!.message).toBe('`runtime` is not a known key of `HostConfig`; it and `Runtime` differ only in case, so they set the same field and the later one wins; keep one');
    expect(findings[2]!.pointer).toMatch(/\/camera\/settings\/createOptions\/hostconfig\/Privileged$/);
  });

  it('reports unknown runtime and system module settings keys, an empty address as empty, and an empty twin section as a warning', async () => {
    const { text, findings } = await validateFixture('settings-keys.template.json');
    expect(findings.map((f) => [f.severity, f.message, f.line, f.column])).toEqual([
      ['error', '`address` is empty, which edgeAgent refuses, so it cannot read the deployment at all; write the registry address without scheme, e.g. "myregistry.azurecr.io"', ...Object.values(positionOf(text, '"address": ""', '"address": '.length))],
      [
        'warning',
        '`myacr` is not a known key of `settings`; it looks like a registry credential, and edgeAgent reads credentials only inside `registryCredentials`, so images from "myacr.azurecr.io" are pulled without them. Move it into "registryCredentials"',
        ...Object.values(positionOf(text, '"myacr"')),
      ],
      ['warning', '`createOption` is not a known key of `settings`; did you mean `createOptions`?', ...Object.values(positionOf(text, '"createOption"'))],
      [
        'warning',
        'the twin section of module `sensor` is empty: IoT Hub accepts it, but the module gets no desired properties from this deployment; remove it, or add "properties.desired": {…}',
        ...Object.values(positionOf(text, '"sensor": {}')),
      ],
    ]);
  });

  // Shapes from public deployments: drcrook1/iot_edge_starter's "YOUR ACR SERVER LOGIN ADDRESS"
  // address, and vslepakov/iot-edge's BlobStorageSample template, whose module twin keys a container
  // policy by "<YOUR LOCAL STORAGE BLOB CONTAINER NAME>".
  describe('fill-in text where a value or key belongs', () => {
    const manifest = (address: string, twinKey: string) =>
      JSON.stringify({
        modulesContent: {
          $edgeAgent: {
            'properties.desired': {
              schemaVersion: '1.1',
              runtime: { type: 'docker', settings: { registryCredentials: { acr: { address, username: 'u', password: '$ACR_PASSWORD' } } } },
              systemModules: {
                edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
                edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
              },
              modules: { blob: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azure-blob-storage:1.4' } } },
            },
          },
          $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
          blob: { 'properties.desired': { tieringSettings: { [twinKey]: { target: 'cloud' } } } },
        },
      }, null, 2);

    it('names fill-in text in an address instead of calling it a malformed address', async () => {
      const { findings } = await validateSource({ file: 'deployment.json', text: manifest('YOUR ACR SERVER LOGIN ADDRESS', 'samples') });
      expect(findings.map((f) => f.message)).toEqual(['`address` holds fill-in text "YOUR ACR SERVER LOGIN ADDRESS" where a value belongs; put the real value in: Registry address without scheme, e.g. "myregistry.azurecr.io"']);
    });

    it('accepts a fill-in key in a template, and refuses it in a concrete manifest', async () => {
      const key = '<YOUR LOCAL STORAGE BLOB CONTAINER NAME>';
      expect((await validateSource({ file: 'deployment.template.json', text: manifest('myacr.azurecr.io', key) })).findings).toEqual([]);
      const concrete = await validateSource({ file: 'deployment.json', text: manifest('myacr.azurecr.io', key) });
      expect(concrete.findings.map((f) => [f.ruleId, f.message])).toEqual([['schema', `key \`${key}\` is not allowed: IoT Hub refuses twin keys that contain '.', '$', a space or a control character`]]);
    });
  });

  it('reads createOptions that only Newtonsoft.Json accepts, warns that they are not portable, and checks them', async () => {
    const file = join(import.meta.dirname, '..', 'fixtures', 'rules', 'create-options-json', 'newtonsoft-only.json');
    const { findings } = await validateSource({ file, text: readFileSync(file, 'utf8') });
    expect(findings.map((f) => [f.ruleId, f.severity, f.pointer.replace(/^.*\/modules\//, '')])).toEqual([
      // The Binds error cannot be placed inside text that is not JSON: it lands on createOptions.
      ['schema', 'error', 'opcPublisher/settings/createOptions/HostConfig/Binds'],
      ['create-options-json', 'warning', 'opcPublisher/settings/createOptions'],
      ['create-options-json', 'warning', 'telemetry/settings/createOptions'],
    ]);
  });
});
