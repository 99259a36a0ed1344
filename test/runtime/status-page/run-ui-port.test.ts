// `edgewise run --ui-port` as a user runs it (the built CLI, a child process), without a browser:
// the page's address is printed last, on the hub's loopback address; the page and its API answer
// with the printed token; its cut is the hub's (`edgewise hub status` says so) and a restore ends
// it; SIGTERM stops the page with the hub (exit 0). A port already taken stops the run before it
// says anything on stdout, in one line naming --ui-port, with the hub closed again. No cloud
// listens at the connection string's address: the page works whatever the upstream's state.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, runCli } from '../cloud/cloud-support.js';
import { deploymentManifest } from '../agent/assembly/edge-support.js';
import { waitFor } from '../hub/assembly/hub-support.js';

const ADDRESS = '127.0.17.3';
/** No cloud listens here. */
const OFFLINE_CS = 'HostName=127.0.0.1:9;DeviceId=edge;SharedAccessKey=' + Buffer.alloc(32, 1).toString('base64');
const folder = mkdtempSync(join(tmpdir(), 'edgewise-run-ui-'));
const manifest = join(folder, 'deployment.json');
writeFileSync(manifest, `${JSON.stringify(deploymentManifest({ filter: {} }), null, 2)}\n`);
const servers: Server[] = [];

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  rmSync(folder, { recursive: true, force: true });
});

function runHub(data: string, uiPort: number) {
  const child = spawn(process.execPath, [BIN, 'run', manifest, '--data', data, '--address', ADDRESS, '--mqtt-port', '0', '--https-port', '0', '--ui-port', String(uiPort)], {
    cwd: ROOT,
    env: { ...process.env, EDGEWISE_CONNECTION_STRING: OFFLINE_CS },
  });
  const output = { stdout: '', stderr: '', ended: false };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  void exited.then(() => (output.ended = true));
  return { child, output, exited };
}

describe('edgewise run --ui-port', () => {
  it('prints the page\'s address with its token, serves it, and cuts and restores the hub\'s upstream', async () => {
    const data = join(folder, 'served');
    const { child, output, exited } = runHub(data, 0);
    try {
      const line = await waitFor('the status page line', () => output.ended || /^edgewise run: status page on (\S+) /m.exec(output.stdout), 30_000);
      expect(output.ended, output.stderr).toBe(false);
      const lines = output.stdout.trimEnd().split('\n');
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^edgewise run: edge hub of edge listening on /);
      const url = new URL((line as RegExpExecArray)[1]!);
      expect(url.hostname).toBe(ADDRESS);
      const token = url.searchParams.get('token')!;

      expect((await fetch(url)).status).toBe(200);
      expect((await fetch(new URL('/', url))).status).toBe(403);
      const status = (await (await fetch(new URL('/api/status', url), { headers: { 'x-edgewise-token': token } })).json()) as { upstream: string; modules: unknown };
      expect(status.modules).toBeNull();
      expect(['connecting', 'disconnected']).toContain(status.upstream);

      const act = (action: string) => fetch(new URL('/api/upstream', url), { method: 'POST', headers: { 'x-edgewise-token': token, 'content-type': 'application/json' }, body: JSON.stringify({ action }) });
      expect(await (await act('cut')).json()).toEqual({ upstream: 'cut' });
      const hubStatus = await runCli(['hub', 'status', '--data', data]);
      expect(JSON.parse(hubStatus.stdout).upstream).toBe('cut');
      expect(output.stderr).toContain('edgewise run: status page: upstream cut');
      expect(((await (await act('restore')).json()) as { upstream: string }).upstream).not.toBe('cut');
      expect(JSON.parse((await runCli(['hub', 'status', '--data', data])).stdout).upstream).not.toBe('cut');

      child.kill('SIGTERM');
      expect(await exited, output.stderr).toBe(0);
      await expect(fetch(url)).rejects.toThrow();
    } finally {
      if (!output.ended) child.kill('SIGKILL');
    }
  }, 60_000);

  it('stops with one line naming --ui-port when the port is taken, and leaves no hub running', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, ADDRESS, resolve));
    const port = (taken.address() as { port: number }).port;
    const data = join(folder, 'taken');
    const { output, exited } = runHub(data, port);
    expect(await exited, output.stderr).toBe(2);
    expect(output.stdout).toBe('');
    expect(output.stderr).toMatch(new RegExp(`^(.*\\n)*edgewise: ${ADDRESS.replaceAll('.', '\\.')}:${port} is in use \\(another hub, or an emulator\\?\\); choose another port with --ui-port\\n$`));
    expect(existsSync(join(data, 'hub.json'))).toBe(false);
  }, 60_000);
});
