// `edgewise offline enable`: the settings of the offline-capabilities doc, applied without
// disturbing the rest of the manifest. seed-port-bindings.json is the seed doc's edgeHub (its
// PortBindings createOptions and UpstreamProtocol "MQTT" on edgeHub only).
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkOutput } from '../../src/lint/write-gate.js';
import { runInit } from '../../src/cli/commands/init.js';
import { TEMPLATES } from '../../src/init/template-catalogue.js';
import { joinCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { InputError } from '../../src/errors.js';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import type { OfflineEnableOptions } from '../../src/offline/enable-offline.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'offline');
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const enable = (path: string, options: OfflineEnableOptions = {}) => runOfflineEnable(path, { cwd: FIXTURES, ...options });
const system = (manifest: any, name: string) => manifest.modulesContent.$edgeAgent['properties.desired'].systemModules[name];
const optionsOf = (module: any) => joinCreateOptions(module.settings, '/settings')!.value!;
const errorsOf = async (file: string, text: string) => (await checkOutput(file, text)).findings.filter((finding) => finding.severity === 'error');

describe('edgewise offline enable', () => {
  it('sets protocol, TTL, storageFolder and a bind merged into createOptions that keeps PortBindings', async () => {
    const result = await enable('seed-port-bindings.json', { ttl: 86400 });
    expect(result.exitCode, result.stderr).toBe(0);
    const manifest = JSON.parse(result.stdout);
    const hub = system(manifest, 'edgeHub');
    const agent = system(manifest, 'edgeAgent');
    expect(hub.env.UpstreamProtocol.value).toBe('MQTT'); // already Mqtt, case aside: left as written
    expect(agent.env.UpstreamProtocol.value).toBe('Mqtt');
    expect(hub.env.storageFolder.value).toBe('/iotedge/storage');
    const before = optionsOf(system(JSON.parse(read('seed-port-bindings.json')), 'edgeHub'));
    const after = optionsOf(hub);
    expect(after.HostConfig.PortBindings).toEqual(before.HostConfig.PortBindings);
    expect(after.HostConfig.Binds).toEqual(['/srv/iotedge/edgehub:/iotedge/storage']);
    expect(manifest.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs).toBe(86400);
    expect(agent.settings.createOptions).toBe('{}'); // edgeAgent storage only when asked
    expect(result.stderr).toContain('edgeHub: HostConfig.Binds gets "/srv/iotedge/edgehub:/iotedge/storage" (the other createOptions are kept)');
    expect(await errorsOf('out.json', result.stdout)).toEqual([]);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const first = await enable('seed-port-bindings.json', { ttl: 86400, agentHostPath: '/srv/iotedge/edgeagent' });
    const second = await runOfflineEnable('-', { ttl: 86400, agentHostPath: '/srv/iotedge/edgeagent', readStdin: () => first.stdout });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toContain('already has these offline settings; nothing to change');
    // with defaults, the second run keeps what the first one set
    const third = await runOfflineEnable('-', { readStdin: () => first.stdout });
    expect(third.stdout).toBe(first.stdout);
  });

  it('keeps key order and indentation: only the changed lines differ', async () => {
    const original = read('seed-port-bindings.json').split('\n');
    const updated = (await enable('seed-port-bindings.json')).stdout.split('\n');
    const removed = original.filter((line) => !updated.includes(line));
    expect(removed).toEqual(['              "createOptions": "{\\"HostConfig\\":{\\"PortBindings\\":{\\"8883/tcp\\":[{\\"HostPort\\":\\"8883\\"}],\\"443/tcp\\":[{\\"HostPort\\":\\"443\\"}],\\"5671/tcp\\":[{\\"HostPort\\":\\"5671\\"}]}}}"']);
  });

  it('appends to existing Binds, keeping them', async () => {
    const withCerts = read('seed-port-bindings.json').replace('{\\"HostConfig\\":{', '{\\"HostConfig\\":{\\"Binds\\":[\\"/etc/iotedge/certs:/certs:ro\\"],');
    expect(withCerts).toContain('certs');
    const result = await runOfflineEnable('-', { readStdin: () => withCerts });
    expect(optionsOf(system(JSON.parse(result.stdout), 'edgeHub')).HostConfig.Binds).toEqual(['/etc/iotedge/certs:/certs:ro', '/srv/iotedge/edgehub:/iotedge/storage']);
  });

  it('merges into chunked createOptions and splits them again into 512-character chunks', async () => {
    const result = await enable('chunked-port-bindings.json');
    expect(result.exitCode, result.stderr).toBe(0);
    const hub = system(JSON.parse(result.stdout), 'edgeHub');
    const chunks = Object.keys(hub.settings).filter((key) => key.startsWith('createOptions'));
    expect(chunks).toEqual(['createOptions', 'createOptions01']);
    for (const key of chunks) expect(hub.settings[key].length).toBeLessThanOrEqual(512);
    const before = optionsOf(system(JSON.parse(read('chunked-port-bindings.json')), 'edgeHub'));
    const after = optionsOf(hub);
    expect(after).toEqual({ ...before, HostConfig: { ...before.HostConfig, Binds: ['/srv/iotedge/edgehub:/iotedge/storage'] } });
    expect(await errorsOf('out.json', result.stdout)).toEqual([]);
  });

  it('rewrites a YAML manifest in place keeping its comments, and only once', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-offline-'));
    copyFileSync(join(FIXTURES, 'commented.yaml'), join(folder, 'commented.yaml'));
    const result = await runOfflineEnable('commented.yaml', { inPlace: true, cwd: folder, protocol: 'AmqpWs' });
    expect(result.exitCode, result.stderr).toBe(0);
    const [file] = result.files;
    expect(file!.path).toBe(join(folder, 'commented.yaml'));
    for (const comment of ['# Edge device in the warehouse; see the runbook before changing the hub.', '# pinned to 1.5', '# ports for child devices', '# the firewall only lets AMQP over WebSockets out', '# everything goes to the cloud', '# inherit the global TTL']) {
      expect(file!.text).toContain(comment);
    }
    const manifest = parseYaml(file!.text);
    expect(system(manifest, 'edgeAgent').env.UpstreamProtocol.value).toBe('AmqpWs');
    expect(optionsOf(system(manifest, 'edgeHub')).HostConfig).toEqual({ PortBindings: { '8883/tcp': [{ HostPort: '8883' }], '443/tcp': [{ HostPort: '443' }] }, Binds: ['/srv/iotedge/edgehub:/iotedge/storage'] });
    expect(await errorsOf('commented.yaml', file!.text)).toEqual([]);

    const again = await runOfflineEnable('-', { protocol: 'AmqpWs', readStdin: () => file!.text });
    expect(again.stdout).toBe(file!.text);
  });

  it('changes a different protocol on both modules, and moves an existing mount only when asked', async () => {
    const kept = await enable('existing-bind.json');
    const keptHub = system(JSON.parse(kept.stdout), 'edgeHub');
    expect(keptHub.env.UpstreamProtocol.value).toBe('Mqtt');
    expect(system(JSON.parse(kept.stdout), 'edgeAgent').env.upstreamprotocol.value).toBe('Mqtt'); // its own key spelling is kept
    expect(optionsOf(keptHub).HostConfig.Binds).toEqual(['/var/lib/edgehub:/iotedge/storage:rw']);
    expect(kept.stderr).toContain('note: edgeHub: storage stays mounted from /var/lib/edgehub; pass --host-path to move it');

    const moved = await enable('existing-bind.json', { hostPath: '/data/edgehub' });
    expect(optionsOf(system(JSON.parse(moved.stdout), 'edgeHub')).HostConfig.Binds).toEqual(['/data/edgehub:/iotedge/storage:rw']);
    expect(moved.stderr).toContain('edgeHub: storage mount moved from /var/lib/edgehub to /data/edgehub');
  });

  it('sets edgeAgent storage with --agent-host-path, and a custom container folder with --module-path', async () => {
    const result = await enable('seed-port-bindings.json', { agentHostPath: '/srv/agent', modulePath: '/edge/data' });
    const manifest = JSON.parse(result.stdout);
    expect(system(manifest, 'edgeAgent').env.storageFolder.value).toBe('/edge/data');
    expect(optionsOf(system(manifest, 'edgeAgent')).HostConfig.Binds).toEqual(['/srv/agent:/edge/data']);
    expect(optionsOf(system(manifest, 'edgeHub')).HostConfig.Binds).toEqual(['/srv/iotedge/edgehub:/edge/data']);
  });

  it('leaves every bundled template and what init writes lint-clean, and the offline template unchanged', async () => {
    for (const entry of TEMPLATES) {
      const written = await runInit({ template: entry.name, output: '-' });
      const result = await runOfflineEnable('-', { readStdin: () => written.stdout });
      expect(result.exitCode, `${entry.name}: ${result.stderr}`).toBe(0);
      expect(await errorsOf('out.json', result.stdout), entry.name).toEqual([]);
      const template = await runOfflineEnable(join('templates', entry.file), { cwd: join(import.meta.dirname, '..', '..') });
      expect(template.exitCode, `${entry.file}: ${template.stderr}`).toBe(0);
      if (entry.name === 'offline') expect(template.stderr).toContain('nothing to change');
    }
  });

  it('refuses usage mistakes, manifests it cannot edit, and results with errors', async () => {
    await expect(enable('seed-port-bindings.json', { inPlace: true, output: 'x.json' })).rejects.toThrow(InputError);
    await expect(enable('seed-port-bindings.json', { protocol: 'Http' as never })).rejects.toThrow(/--protocol must be one of Amqp, AmqpWs, Mqtt, MqttWs/);
    await expect(enable('seed-port-bindings.json', { modulePath: 'relative' })).rejects.toThrow(/--module-path relative: use an absolute folder/);
    await expect(enable('seed-port-bindings.json', { output: 'x.yaml' })).rejects.toThrow(/names another format/);
    const layered = await runOfflineEnable('-', { readStdin: () => JSON.stringify({ content: { modulesContent: { $edgeAgent: { 'properties.desired.modules.x': {} }, $edgeHub: {} } } }) });
    expect(layered.exitCode).toBe(1);
    expect(layered.stderr).toContain('offline enable needs a full deployment manifest (not a layered one)');
    const broken = await runOfflineEnable('-', { readStdin: () => read('seed-port-bindings.json').replace('"restartPolicy": "always"', '"restartPolicy": "sometimes"') });
    expect(broken.exitCode).toBe(1);
    expect(broken.stdout).toBe('');
    expect(broken.stderr).toMatch(/^edgewise offline enable: refused to write stdout: the manifest with offline settings has 1 lint error \(positions are in the result, which was not written\):\n<stdin>:\d+:\d+ {2}error/);
  });
});
