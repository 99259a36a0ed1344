// `edgewise run` and `edgewise hub` as the real executable (bin/edgewise.js), where no cloud is
// needed: the lint gate (exit 1 with the findings, --force runs anyway), usage errors (exit 2,
// one line), and a hub started offline that answers `hub status` and `hub upstream cut|restore`,
// then stops on SIGTERM with exit 0 and removes hub.json.
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer, type StartedServer } from '../../../faults/support/edgewise-run.js';
import { runCli } from '../../cloud/cloud-support.js';
import { hubManifest, STANDARD_ROUTES } from '../assembly/hub-support.js';

const folders: string[] = [];
const children: ChildProcess[] = [];
/** No cloud listens here: the hub starts offline and keeps retrying. */
const OFFLINE_CS = 'HostName=127.0.0.1:9;DeviceId=edge;SharedAccessKey=' + Buffer.alloc(32, 1).toString('base64');

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'edgewise-hub-cli-'));
  folders.push(made);
  return made;
}

function manifestFile(dir: string, manifest: unknown, name = 'deployment.json'): string {
  const path = join(dir, name);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** The standard manifest with a lint error that does not touch $edgeHub: createOptions that are not JSON. */
function manifestWithLintError(): Record<string, unknown> {
  const manifest = hubManifest(STANDARD_ROUTES) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: { createOptions: string } } } } } } };
  manifest.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings.createOptions = '{"HostConfig":';
  return manifest;
}

describe('edgewise hub (no hub running)', () => {
  it('hub status says no hub runs, in one line, exit 2', async () => {
    const dir = folder();
    const result = await runCli(['hub', 'status', '--data', dir]);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `edgewise: no edge hub runs on ${dir}: start one with \`edgewise run MANIFEST --connection-string CS --data ${dir}\`\n` });
  });

  it('hub upstream takes only cut or restore', async () => {
    const result = await runCli(['hub', 'upstream', 'sideways', '--data', folder()]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("'sideways' is invalid for argument 'action'. Allowed choices are cut, restore.");
  });
});

describe('edgewise run refusals', () => {
  it('needs the connection string, from the flag or EDGEWISE_CONNECTION_STRING', async () => {
    const dir = folder();
    const result = await runCli(['run', manifestFile(dir, hubManifest(STANDARD_ROUTES)), '--data', join(dir, 'data')], { env: { EDGEWISE_CONNECTION_STRING: '' } });
    expect(result).toEqual({ code: 2, stdout: '', stderr: "edgewise: give the edge device's connection string with --connection-string or EDGEWISE_CONNECTION_STRING (edgewise cloud device show EDGE prints it)\n" });
  });

  it('refuses a manifest with lint errors (exit 1, one line per error) and makes nothing in DIR', async () => {
    const dir = folder();
    const manifest = manifestFile(dir, manifestWithLintError());
    const result = await runCli(['run', manifest, '--connection-string', OFFLINE_CS, '--data', join(dir, 'data')]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(new RegExp(`^edgewise run: refused to run ${manifest.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: it has \\d+ lint errors? \\(--force runs it anyway\\):\n(.+:\\d+:\\d+  error  .+\n)+$`));
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('does not offer --force for a route that does not compile, which the hub refuses anyway', async () => {
    const dir = folder();
    const broken = manifestFile(dir, hubManifest({ ...STANDARD_ROUTES, broken: 'FROM /messages/* WHERE a = INTO $upstream' }), 'broken.json');
    const refused = await runCli(['run', broken, '--connection-string', OFFLINE_CS, '--data', join(dir, 'data')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr.split('\n')[0]).toMatch(/: it has 1 lint error \(fix the routes: the hub cannot run a route that does not compile, even with --force\):$/);
    expect(refused.stderr).toContain('route-syntax');
    expect(refused.stderr).not.toContain('--force runs it anyway');
    // What --force would do: the hub's own check stops it.
    const forced = await runCli(['run', broken, '--connection-string', OFFLINE_CS, '--data', join(dir, 'data'), '--force']);
    expect(forced.code).toBe(2);
    expect(forced.stderr).toMatch(/broken/);
    expect(existsSync(join(dir, 'data', 'hub.json'))).toBe(false);

    // Text after the sink is a lint error too, but edgeHub (and the hub) ignore it: --force does run that.
    const trailing = manifestFile(dir, hubManifest({ ...STANDARD_ROUTES, trailing: 'FROM /messages/* INTO $upstream WHERE a = 1' }), 'trailing.json');
    const refusedTrailing = await runCli(['run', trailing, '--connection-string', OFFLINE_CS, '--data', join(dir, 'data')]);
    expect(refusedTrailing.code).toBe(1);
    expect(refusedTrailing.stderr.split('\n')[0]).toContain('(--force runs it anyway)');
  });

  it('refuses an AMQP upstream with a line saying what to set', async () => {
    const dir = folder();
    const manifest = hubManifest(STANDARD_ROUTES) as { modulesContent: { $edgeAgent: { 'properties.desired': { systemModules: Record<string, { env: Record<string, { value: string }> }> } } } };
    for (const module of ['edgeAgent', 'edgeHub']) manifest.modulesContent.$edgeAgent['properties.desired'].systemModules[module]!.env.UpstreamProtocol = { value: 'Amqp' };
    const result = await runCli(['run', manifestFile(dir, manifest), '--connection-string', OFFLINE_CS, '--data', join(dir, 'data')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^edgewise: .*MQTT upstream.*Mqtt or MqttWs.*\n$/);
    expect(existsSync(join(dir, 'data', 'hub.json'))).toBe(false);
  });

  it('stops at a damaged store with the documented recovery, and deletes nothing', async () => {
    const dir = folder();
    const data = join(dir, 'data');
    mkdirSync(join(data, 'storage'), { recursive: true });
    writeFileSync(join(data, 'storage', 'data.mdb'), 'not an lmdb file, truncated');
    const result = await runCli(['run', manifestFile(dir, hubManifest(STANDARD_ROUTES)), '--connection-string', OFFLINE_CS, '--data', data, '--mqtt-port', '0', '--https-port', '0']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(new RegExp(`^edgewise: the hub store in ${join(data, 'storage').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} cannot be opened: .*move that folder aside.*\n$`));
    expect(readFileSync(join(data, 'storage', 'data.mdb'), 'utf8')).toBe('not an lmdb file, truncated');
    expect(readdirSync(data)).not.toContain('serve.lock');
    expect(readdirSync(data)).not.toContain('hub.json');
  });

  it('refuses a connection string without a key, never echoing it', async () => {
    const dir = folder();
    const result = await runCli(['run', manifestFile(dir, hubManifest(STANDARD_ROUTES)), '--connection-string', 'HostName=h;DeviceId=edge', '--data', join(dir, 'data')]);
    expect(result).toMatchObject({ code: 2, stderr: expect.stringMatching(/^edgewise: the edge device's connection string has no SharedAccessKey/) });
  });
});

/** Starts `edgewise run` and resolves with its first stdout line once it listens. */
function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<StartedServer> {
  return startServer(['run', ...args], { env, children });
}

describe('edgewise run offline (no cloud reachable)', () => {
  it('runs a manifest with lint errors under --force, answers hub status and hub upstream, and stops on SIGTERM with exit 0', async () => {
    const dir = folder();
    const data = join(dir, 'data');
    const manifest = manifestFile(dir, manifestWithLintError());
    const started = await run([manifest, '--data', data, '--mqtt-port', '0', '--https-port', '0', '--force'], { EDGEWISE_CONNECTION_STRING: OFFLINE_CS });
    const info = JSON.parse(readFileSync(join(data, 'hub.json'), 'utf8'));
    expect(info).toMatchObject({ edgeDeviceId: 'edge', ca: join(data, 'edge-ca.pem'), pid: started.child.pid, gatewayHostName: '127.0.0.1' });
    expect(started.line).toBe(
      `edgewise run: edge hub of edge listening on mqtts://127.0.0.1:${info.mqtt.port} (modules and child devices) and https://127.0.0.1:${info.https.port} (gateway); clients trust ${join(data, 'edge-ca.pem')}; details in ${join(data, 'hub.json')}\n`,
    );

    const status = await runCli(['hub', 'status', '--data', data]);
    expect(status.code).toBe(0);
    const parsed = JSON.parse(status.stdout);
    expect(Object.keys(parsed)).toEqual(['upstream', 'clients', 'queues', 'store', 'counters', 'resync', 'twins']);
    expect(['connecting', 'disconnected']).toContain(parsed.upstream);
    expect(parsed).toMatchObject({ clients: [], queues: [], store: { messages: 0, bytes: expect.any(Number) }, counters: { received: 0, stored: 0, delivered: 0, expired: 0, refused: 0 } });

    expect(await runCli(['hub', 'upstream', 'cut', '--data', data])).toEqual({ code: 0, stdout: '{"upstream":"cut"}\n', stderr: '' });
    expect(JSON.parse((await runCli(['hub', 'status', '--data', data])).stdout).upstream).toBe('cut');
    const restored = await runCli(['hub', 'upstream', 'restore', '--data', data]);
    expect(restored.code).toBe(0);
    expect(JSON.parse(restored.stdout).upstream).not.toBe('cut');

    started.child.kill('SIGTERM');
    const exited = await started.exited;
    expect(exited.code).toBe(0);
    expect(exited.stderr).toContain('running it anyway (--force)');
    expect(existsSync(join(data, 'hub.json'))).toBe(false);
    expect(readdirSync(data)).not.toContain('hub.sock');
    expect((await runCli(['hub', 'status', '--data', data])).code).toBe(2);
  });
});
