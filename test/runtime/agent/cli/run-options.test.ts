// `edgewise run`'s agent options as the real executable takes them: each mistake is one line and
// exit 2, found before anything starts (no data folder is made): options that belong to another
// mode, a modules file that is wrong (file:line:column), a module the agent cannot run. Without
// --modules the process backend has nothing to run modules with, and the hub runs alone, saying so.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../../cloud/cloud-support.js';
import { deploymentManifest } from '../assembly/edge-support.js';

const folder = mkdtempSync(join(tmpdir(), 'edgewise-run-options-'));
/** No cloud listens here. */
const OFFLINE_CS = 'HostName=127.0.0.1:9;DeviceId=edge;SharedAccessKey=' + Buffer.alloc(32, 1).toString('base64');

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

const manifest = write('deployment.json', `${JSON.stringify(deploymentManifest({ filter: {} }), null, 2)}\n`);
const modules = write('modules.yaml', 'modules:\n  filter:\n    command: [node, filter.mjs]\n');

/** Runs `edgewise run ARGS`, expecting exit 2, `lines` lines on stderr and no data folder made. */
async function refusal(args: string[], lines = 1): Promise<string> {
  const data = join(folder, `data-${Math.random().toString(36).slice(2)}`);
  const result = await runCli(['run', ...args, '--data', data], { env: { EDGEWISE_CONNECTION_STRING: OFFLINE_CS } });
  expect(result.code).toBe(2);
  expect(result.stdout).toBe('');
  expect(result.stderr.split('\n')).toHaveLength(lines + 1);
  expect(existsSync(data)).toBe(false);
  return result.stderr;
}

describe('edgewise run, agent options', () => {
  it('refuses options that belong to another mode, in one line', async () => {
    expect(await refusal([manifest, '--with-cloud', '--connection-string', OFFLINE_CS])).toBe('edgewise: --with-cloud makes the edge device in the emulator and uses its connection string; leave out --connection-string\n');
    expect(await refusal([manifest, '--device-id', 'edge-9'])).toBe("edgewise: --device-id names the edge device --with-cloud makes; without --with-cloud the device is the connection string's\n");
    expect(await refusal([manifest, '--modules', modules, '--docker-host', 'unix:///run/podman/podman.sock'])).toBe('edgewise: --docker-host is for --backend docker; leave it out, or add --backend docker\n');
    expect(await refusal([manifest, '--backend', 'docker', '--modules', modules])).toBe('edgewise: --modules is for the process backend; with --backend docker each module runs its settings.image, so leave --modules out\n');
    expect(await refusal([manifest, '--from-cloud'])).toBe("edgewise: --from-cloud runs the cloud's modules: give --modules FILE to run them as processes, or --backend docker\n");
    expect(await refusal([manifest, '--backend', 'podman'])).toMatch(/'podman' is invalid for argument|option '--backend <name>' argument 'podman' is invalid/);
  });

  it('refuses a wrong modules file with its file:line:column', async () => {
    const wrong = write('wrong-modules.yaml', 'modules:\n  filter:\n    cmd: [node, filter.mjs]\n');
    expect(await refusal([manifest, '--modules', wrong])).toBe(`edgewise: ${wrong}:3:5: unknown key \`cmd\` in module \`filter\`; use command, cwd or env\n`);
  });

  it('refuses a module the agent cannot run before the hub starts', async () => {
    const broken = deploymentManifest({ filter: {} }) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: Record<string, unknown> } } } } } };
    broken.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings.image = '${FILTER_IMAGE}';
    const path = write('placeholder.json', JSON.stringify(broken));
    const stderr = await refusal([path, '--modules', modules, '--force'], 2);
    expect(stderr).toMatch(/running it anyway \(--force\)\nedgewise: module filter: settings\.image holds the placeholder \$\{FILTER_IMAGE\}; run "edgewise gen" to fill it in, then run the generated manifest\.\n$/);
  });

  it('without --modules runs the hub alone and names the modules it does not start', async () => {
    const data = join(folder, 'hub-alone');
    const child = spawn(process.execPath, [BIN, 'run', manifest, '--data', data, '--mqtt-port', '0', '--https-port', '0'], { cwd: ROOT, env: { ...process.env, EDGEWISE_CONNECTION_STRING: OFFLINE_CS } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('are not started') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/^edgewise run: edge hub of edge listening on .*\n$/);
    expect(stderr).toContain("edgewise run: the deployment's modules (filter) are not started: give --modules FILE to run them as processes, or --backend docker\n");
  });
});
