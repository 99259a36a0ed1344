// The agent's reading of $edgeAgent desired properties: edgeAgent's defaults, env flattened to
// text, createOptions joined from chunks (and read leniently as Newtonsoft.Json reads them), the
// layered form, and a one-line InputError for what cannot run.
// three-modules.json is templates/offline.json with three user modules and a module twin added.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { deploymentFromDesired, deploymentFromManifest, LAST_STARTUP_ORDER } from '../../../../src/runtime/agent/deployment.js';
import { agentDesired, threeModules, type Json } from './three-modules.js';

function refusal(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('deploymentFromDesired', () => {
  it('reads every user module with its settings, leaving the system modules to the hub', () => {
    const deployment = deploymentFromDesired(agentDesired(threeModules()), 7);
    expect(deployment.schemaVersion).toBe('1.1');
    expect(deployment.version).toBe(7);
    expect(deployment.modules.map((module) => module.name).sort()).toEqual(['archiver', 'filter', 'sensor']);
    const sensor = deployment.modules.find((module) => module.name === 'sensor')!;
    expect(sensor).toEqual({
      name: 'sensor',
      status: 'running',
      restartPolicy: 'always',
      startupOrder: 1,
      image: 'localhost/sensor:1.0',
      imagePullPolicy: 'on-create',
      createOptions: { HostConfig: { Binds: ['/srv/sensor:/data'] } },
      env: { INTERVAL_MS: '500', VERBOSE: 'true', LOG_LEVEL: 'info' },
    });
    expect(deployment.edgeHub?.env).toEqual({ UpstreamProtocol: 'Mqtt', storageFolder: '/iotedge/storage' });
    expect(deployment.edgeHub?.createOptions).toMatchObject({ HostConfig: { Binds: ['/srv/iotedge/edgehub:/iotedge/storage'] } });
  });

  it("applies edgeAgent's defaults to a module that leaves them out", () => {
    const archiver = deploymentFromDesired(agentDesired(threeModules())).modules.find((module) => module.name === 'archiver')!;
    expect(archiver).toMatchObject({ status: 'stopped', restartPolicy: 'never', startupOrder: LAST_STARTUP_ORDER, imagePullPolicy: 'on-create', createOptions: {}, env: {} });
    const desired = agentDesired(threeModules());
    delete desired.modules.sensor.restartPolicy;
    delete desired.modules.sensor.status;
    expect(deploymentFromDesired(desired).modules.find((module) => module.name === 'sensor')).toMatchObject({ restartPolicy: 'always', status: 'running' });
  });

  it('joins createOptions chunks as edgeAgent does', () => {
    const filter = deploymentFromDesired(agentDesired(threeModules())).modules.find((module) => module.name === 'filter')!;
    expect(filter.createOptions).toEqual({ HostConfig: { PortBindings: { '8080/tcp': [{ HostPort: '8080' }] } } });
  });

  it('reads createOptions that Newtonsoft.Json reads, though they are not JSON', () => {
    const desired = agentDesired(threeModules());
    desired.modules.archiver.settings.createOptions = "{HostConfig: {'Binds': ['/a:/b']}}";
    expect(deploymentFromDesired(desired).modules.find((module) => module.name === 'archiver')!.createOptions).toEqual({ HostConfig: { Binds: ['/a:/b'] } });
  });

  it('takes the version from the twin when none is given, and keeps twin metadata out of the document', () => {
    const desired = { ...agentDesired(threeModules()), $version: 12, $metadata: { $lastUpdated: '2024-01-01T00:00:00Z' } };
    const deployment = deploymentFromDesired(desired);
    expect(deployment.version).toBe(12);
    expect(Object.keys(deployment.desired).filter((key) => key.startsWith('$'))).toEqual([]);
  });

  it.each([
    ['a module without an image', (d: Json) => delete d.modules.sensor.settings.image, /module sensor has no settings\.image; add "settings": \{"image"/],
    ['an image placeholder', (d: Json) => (d.modules.sensor.settings.image = '${MODULES.sensor}'), /placeholder \$\{MODULES\.sensor\}; run "edgewise gen"/],
    ['an unknown restartPolicy', (d: Json) => (d.modules.sensor.restartPolicy = 'sometimes'), /module sensor: restartPolicy is "sometimes"; use one of never, on-failure, on-unhealthy, always/],
    ['an unknown status', (d: Json) => (d.modules.sensor.status = 'paused'), /module sensor: status is "paused"; use one of running, stopped/],
    ['a negative startupOrder', (d: Json) => (d.modules.sensor.startupOrder = -1), /startupOrder is -1; use a whole number from 0/],
    ['an env entry without a value', (d: Json) => (d.modules.sensor.env.LOG_LEVEL = {}), /module sensor: env\.LOG_LEVEL has no string, number or boolean value/],
    ['createOptions that are not an object', (d: Json) => (d.modules.sensor.settings.createOptions = '[1, 2]'), /module sensor: settings\.createOptions is not a JSON object/],
    ['a gap in createOptions chunks', (d: Json) => (d.modules.sensor.settings.createOptions02 = '}'), /createOptions02 follows a gap \(createOptions01 is missing\)/],
    ['schemaVersion 1.2', (d: Json) => (d.schemaVersion = '1.2'), /\$edgeAgent schemaVersion 1\.2 is not compatible with edgeAgent's 1\.1\.0/],
    ['no schemaVersion', (d: Json) => delete d.schemaVersion, /have no schemaVersion; set "schemaVersion" to "1\.1"/],
  ])('refuses %s in one line saying what to do', (_name, edit, message) => {
    const desired = agentDesired(threeModules());
    edit(desired);
    const error = refusal(() => deploymentFromDesired(desired));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('\n');
  });

  it('refuses desired properties that are not an object', () => {
    expect(refusal(() => deploymentFromDesired('modules')).message).toMatch(/not an object; write them as/);
  });

  it('keeps a module or env var named like an Object.prototype member as data', () => {
    const desired = agentDesired(threeModules());
    desired.modules.sensor.env = JSON.parse('{"__proto__": {"value": "x"}, "toString": {"value": "y"}}');
    const sensor = deploymentFromDesired(desired).modules.find((module) => module.name === 'sensor')!;
    expect(Object.keys(sensor.env).sort()).toEqual(['__proto__', 'toString']);
    expect(Object.getPrototypeOf(sensor.env)).toBe(Object.prototype);
  });
});

describe('deploymentFromManifest', () => {
  it('reads the $edgeAgent of a manifest file', async () => {
    const deployment = deploymentFromManifest(await normalizeManifest(threeModules()));
    expect(deployment.modules).toHaveLength(3);
    expect(deployment.version).toBeUndefined();
  });

  it('reads a layered deployment written with flattened keys', async () => {
    const layered = {
      content: {
        modulesContent: {
          $edgeAgent: {
            'properties.desired.schemaVersion': '1.1',
            'properties.desired.modules.probe': { type: 'docker', status: 'running', restartPolicy: 'never', settings: { image: 'localhost/probe:1' } },
          },
        },
      },
    };
    const deployment = deploymentFromManifest(await normalizeManifest(layered));
    expect(deployment.modules).toEqual([expect.objectContaining({ name: 'probe', restartPolicy: 'never', image: 'localhost/probe:1' })]);
  });

  it('refuses a document that is not a deployment', async () => {
    await expect(async () => deploymentFromManifest(await normalizeManifest({ hello: 'world' }))).rejects.toThrow(/has no modulesContent/);
    await expect(async () => deploymentFromManifest(await normalizeManifest({ modulesContent: { $edgeHub: {} } }))).rejects.toThrow(/has no \$edgeAgent desired properties/);
  });
});
