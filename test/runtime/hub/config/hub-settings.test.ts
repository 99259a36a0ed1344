// HubSettings from a manifest and from a deployment's $edgeHub desired document, checked as
// edgeHub's EdgeHubConfigParser checks them (schema versions 1.0–1.3, route objects with priority
// 0–9 and an unsigned TTL, required sections from 1.1), plus where the store goes in DIR.
// hub-offline.json is modelled on templates/offline.json with a module-to-module route added.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import {
  DEFAULT_ROUTE_PRIORITY,
  hubSettingsFromDesired,
  hubSettingsFromManifest,
  storeFolder,
  type HubSettings,
} from '../../../../src/runtime/hub/config/hub-settings.js';

const FIXTURES = join(import.meta.dirname, '..', '..', '..', 'fixtures', 'hub-settings');

// Loose on purpose: the tests edit the fixture in place, deep inside.
type Json = Record<string, any>;

function fixture(): Json {
  return JSON.parse(readFileSync(join(FIXTURES, 'hub-offline.json'), 'utf8')) as Json;
}

function systemModules(manifest: Json): Json {
  return manifest.modulesContent.$edgeAgent['properties.desired'].systemModules;
}

async function settingsOf(manifest: Json): Promise<HubSettings> {
  return hubSettingsFromManifest(await normalizeManifest(manifest));
}

const CURRENT: HubSettings = { schemaVersion: '1.1', routes: [], timeToLiveSecs: 7200, upstreamProtocol: 'MqttWs', storageFolder: '/iotedge/storage' };

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('expected an InputError');
}

describe('hubSettingsFromManifest', () => {
  it('reads routes, priorities, TTLs and the schema from $edgeHub and the env from edgeHub', async () => {
    const settings = await settingsOf(fixture());
    expect(settings).toMatchObject({ schemaVersion: '1.2', timeToLiveSecs: 3600, upstreamProtocol: 'MqttWs', storageFolder: '/iotedge/storage' });
    expect(settings.routes.map(({ name, priority, timeToLiveSecs }) => ({ name, priority, timeToLiveSecs }))).toEqual([
      { name: 'toFilter', priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0 },
      { name: 'alerts', priority: 0, timeToLiveSecs: 86400 },
      { name: 'rest', priority: 5, timeToLiveSecs: 0 },
    ]);
    expect(settings.routes[0]!.compiled.endpoint).toEqual({ kind: 'module', moduleId: 'filter', input: 'input1' });
    expect(settings.routes[1]!.text).toBe('FROM /messages/modules/filter/outputs/alerts INTO $upstream');
  });

  it('uses the documented 7200 s when storeAndForwardConfiguration has no TTL', async () => {
    const manifest = fixture();
    manifest.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration = {};
    expect((await settingsOf(manifest)).timeToLiveSecs).toBe(7200);
  });

  it('speaks Mqtt when no UpstreamProtocol is set, and takes edgeAgent\'s value when only edgeAgent sets one', async () => {
    const manifest = fixture();
    delete systemModules(manifest).edgeHub.env.upstreamprotocol;
    expect((await settingsOf(manifest)).upstreamProtocol).toBe('Mqtt');
    systemModules(manifest).edgeAgent.env.UpstreamProtocol.value = 'MqttWs';
    expect((await settingsOf(manifest)).upstreamProtocol).toBe('MqttWs');
    delete systemModules(manifest).edgeAgent.env.UpstreamProtocol;
    expect((await settingsOf(manifest)).upstreamProtocol).toBe('Mqtt');
  });

  it('refuses Amqp and AmqpWs upstream with what to set instead', async () => {
    for (const value of ['Amqp', 'amqpws']) {
      const manifest = fixture();
      systemModules(manifest).edgeHub.env.upstreamprotocol.value = value;
      const normalized = await normalizeManifest(manifest);
      expect(refusal(() => hubSettingsFromManifest(normalized))).toMatch(/speaks MQTT upstream; set UpstreamProtocol to Mqtt or MqttWs/);
    }
    const viaAgent = fixture();
    delete systemModules(viaAgent).edgeHub.env.upstreamprotocol;
    systemModules(viaAgent).edgeAgent.env.UpstreamProtocol.value = 'Amqp';
    const normalized = await normalizeManifest(viaAgent);
    expect(refusal(() => hubSettingsFromManifest(normalized))).toMatch(/UpstreamProtocol is Amqp/);
  });

  it('finds StorageFolder in createOptions Env too, and leaves it unset when there is none', async () => {
    const manifest = fixture();
    const hub = systemModules(manifest).edgeHub;
    delete hub.env.storageFolder;
    expect((await settingsOf(manifest)).storageFolder).toBeUndefined();
    hub.settings.createOptions = JSON.stringify({ Env: ['STORAGEFOLDER=/data/hub'] });
    expect((await settingsOf(manifest)).storageFolder).toBe('/data/hub');
  });

  it('refuses a route that does not compile, naming it', async () => {
    const manifest = fixture();
    manifest.modulesContent.$edgeHub['properties.desired'].routes.broken = 'FROM /messages WHERE INTO $upstream';
    const normalized = await normalizeManifest(manifest);
    expect(refusal(() => hubSettingsFromManifest(normalized))).toMatch(/^Route "broken" does not compile: /);
  });

  it('reads every template edgewise init offers', async () => {
    const templates = join(import.meta.dirname, '..', '..', '..', '..', 'templates');
    for (const name of ['gateway', 'minimal', 'offline', 'sensor-pipeline']) {
      const settings = await settingsOf(JSON.parse(readFileSync(join(templates, `${name}.json`), 'utf8')) as Json);
      expect(settings.routes.length, name).toBeGreaterThan(0);
      expect(settings.upstreamProtocol, name).toBe('Mqtt');
    }
  });

  it('refuses a manifest without $edgeHub desired properties', async () => {
    const manifest = fixture();
    delete manifest.modulesContent.$edgeHub;
    const normalized = await normalizeManifest(manifest);
    expect(refusal(() => hubSettingsFromManifest(normalized))).toMatch(/no \$edgeHub "properties.desired"/);
  });
});

describe('hubSettingsFromDesired', () => {
  it('replaces routes and TTL and keeps the env-derived settings', () => {
    const next = hubSettingsFromDesired(
      { schemaVersion: '1.1', routes: { r: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: -1 }, $version: 4 },
      CURRENT,
    );
    expect(next).toMatchObject({ schemaVersion: '1.1', timeToLiveSecs: -1, upstreamProtocol: 'MqttWs', storageFolder: '/iotedge/storage' });
    expect(next.routes.map((route) => route.name)).toEqual(['r']);
  });

  it('accepts schema versions 1.0 to 1.3 in .NET Version form and refuses others', () => {
    const doc = (schemaVersion: unknown) => ({ schemaVersion, routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 10 } });
    for (const version of ['1.0', '1.1', '1.2', '1.3', '1.1.0', '1.2.0.0']) expect(hubSettingsFromDesired(doc(version), CURRENT).schemaVersion).toBe(version);
    expect(refusal(() => hubSettingsFromDesired(doc('2.0'), CURRENT))).toMatch(/not supported/);
    expect(refusal(() => hubSettingsFromDesired(doc('1.4'), CURRENT))).toMatch(/not supported/);
    expect(refusal(() => hubSettingsFromDesired(doc('1'), CURRENT))).toMatch(/not a version string/);
    expect(refusal(() => hubSettingsFromDesired(doc(1.1), CURRENT))).toMatch(/not a version string/);
    expect(refusal(() => hubSettingsFromDesired({ routes: {} }, CURRENT))).toMatch(/no schemaVersion/);
    expect(refusal(() => hubSettingsFromDesired('nope', CURRENT))).toMatch(/not an object/);
  });

  it('under 1.0 takes string routes only, skips blank ones, and keeps what the document leaves out', () => {
    const kept = hubSettingsFromDesired({ schemaVersion: '1.1', routes: { old: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 99 } }, CURRENT);
    const legacy = hubSettingsFromDesired({ schemaVersion: '1.0' }, kept);
    expect(legacy.routes.map((route) => route.name)).toEqual(['old']);
    expect(legacy.timeToLiveSecs).toBe(99);
    const blank = hubSettingsFromDesired({ schemaVersion: '1.0', routes: { empty: '  ', gone: null, r: 'FROM /messages INTO $upstream' } }, kept);
    expect(blank.routes.map((route) => route.name)).toEqual(['r']);
    expect(refusal(() => hubSettingsFromDesired({ schemaVersion: '1.0', routes: { r: { route: 'FROM /messages INTO $upstream' } } }, CURRENT))).toMatch(/use schemaVersion 1.1/);
  });

  it('from 1.1 requires routes and storeAndForwardConfiguration', () => {
    expect(refusal(() => hubSettingsFromDesired({ schemaVersion: '1.1', storeAndForwardConfiguration: { timeToLiveSecs: 1 } }, CURRENT))).toMatch(/requires "routes"/);
    expect(refusal(() => hubSettingsFromDesired({ schemaVersion: '1.2', routes: {} }, CURRENT))).toMatch(/requires "storeAndForwardConfiguration"/);
  });

  it('checks route objects as RouteSpec does', () => {
    const doc = (entry: unknown, name = 'r') => ({ schemaVersion: '1.1', routes: { [name]: entry }, storeAndForwardConfiguration: { timeToLiveSecs: 10 } });
    const text = 'FROM /messages/* INTO $upstream';
    expect(hubSettingsFromDesired(doc({ route: text, priority: 9, timeToLiveSecs: 4294967295 }), CURRENT).routes[0]).toMatchObject({ priority: 9, timeToLiveSecs: 4294967295 });
    expect(hubSettingsFromDesired(doc({ route: text, priority: DEFAULT_ROUTE_PRIORITY }), CURRENT).routes[0]).toMatchObject({ priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0 });
    for (const priority of [10, -1, 1.5, '1']) expect(refusal(() => hubSettingsFromDesired(doc({ route: text, priority }), CURRENT))).toMatch(/accepts 0 \(highest\) to 9/);
    for (const timeToLiveSecs of [-1, 2.5, 4294967296]) expect(refusal(() => hubSettingsFromDesired(doc({ route: text, timeToLiveSecs }), CURRENT))).toMatch(/timeToLiveSecs/);
    expect(refusal(() => hubSettingsFromDesired(doc(''), CURRENT))).toMatch(/has no route text/);
    expect(refusal(() => hubSettingsFromDesired(doc({ priority: 1 }), CURRENT))).toMatch(/has no route text/);
    expect(refusal(() => hubSettingsFromDesired(doc(null), CURRENT))).toMatch(/must be a string or an object/);
    expect(refusal(() => hubSettingsFromDesired(doc(text, ' '), CURRENT))).toMatch(/empty name/);
    expect(refusal(() => hubSettingsFromDesired(doc('FROM /messages INTO $cloud'), CURRENT))).toMatch(/^Route "r" does not compile: .*\$upstream/);
    expect(refusal(() => hubSettingsFromDesired(doc('FROM /messages INTO BrokeredEndpoint("/modules/m")'), CURRENT))).toMatch(/four segments/);
  });

  it('refuses a global TTL that is not a whole number', () => {
    expect(refusal(() => hubSettingsFromDesired({ schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: '7200' } }, CURRENT))).toMatch(/whole number of seconds/);
  });
});

describe('storeFolder', () => {
  it('puts the store in DIR/storage, below it the StorageFolder path, never outside DIR', () => {
    const dir = join('/tmp', 'hub-data');
    expect(storeFolder(dir, {})).toBe(join(dir, 'storage'));
    expect(storeFolder(dir, { storageFolder: '/iotedge/storage' })).toBe(join(dir, 'storage', 'iotedge', 'storage'));
    expect(storeFolder(dir, { storageFolder: '//a/./b/' })).toBe(join(dir, 'storage', 'a', 'b'));
    expect(storeFolder(dir, { storageFolder: '/../../etc' })).toBe(join(dir, 'storage', 'etc'));
    expect(storeFolder(dir, { storageFolder: 'C:\\iotedge\\store here' })).toBe(join(dir, 'storage', 'C_', 'iotedge', 'store_here'));
    expect(storeFolder(dir, { storageFolder: '/' })).toBe(join(dir, 'storage'));
  });
});
