// The admin channel on a real unix socket in a temp folder: owner-only mode from the first moment
// it is reachable, JSON lines in order, refusals as data, a stale socket left by a killed hub
// replaced, and the client's "no hub" answer when nothing listens.
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAdminRequest, startAdminChannel, type AdminChannel, type AdminRequest } from '../../../../src/runtime/hub/admin-channel.js';
import { AdminRequestError, askHub, NoHubError } from '../../../../src/runtime/hub/admin-client.js';

const folders: string[] = [];
const channels: AdminChannel[] = [];

afterEach(async () => {
  await Promise.all(channels.splice(0).map((channel) => channel.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function folder(): string {
  const made = mkdtempSync(join(tmpdir(), 'edgewise-admin-'));
  folders.push(made);
  return made;
}

async function channel(dataFolder: string, handle: (request: AdminRequest) => unknown): Promise<AdminChannel> {
  const started = await startAdminChannel(dataFolder, handle);
  channels.push(started);
  return started;
}

/** Sends raw lines and collects `count` answer lines. */
function exchange(path: string, text: string, count: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(path);
    let buffered = '';
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(text));
    socket.on('error', reject);
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n').filter(Boolean);
      if (lines.length >= count) {
        socket.destroy();
        resolve(lines);
      }
    });
  });
}

describe('the admin channel', () => {
  it('listens on DIR/hub.sock with mode 0600 and leaves no private folder behind', async () => {
    const dataFolder = folder();
    const started = await channel(dataFolder, () => 'ok');
    expect(started.path).toBe(join(dataFolder, 'hub.sock'));
    const stats = statSync(started.path);
    expect(stats.isSocket()).toBe(true);
    expect(stats.mode & 0o777).toBe(0o600);
    expect((await import('node:fs')).readdirSync(dataFolder)).toEqual(['hub.sock']);
  });

  it('answers requests in order, one JSON line each, and refuses what is not a request as data', async () => {
    const dataFolder = folder();
    const started = await channel(dataFolder, async (request) => {
      if (request.command === 'status') return { answered: 'status' };
      await new Promise((resolve) => setTimeout(resolve, 50)); // a slow answer must not be overtaken
      return { answered: request.action };
    });
    const lines = await exchange(started.path, '{"command":"upstream","action":"cut"}\n{"command":"status"}\nnot json\n{"command":"reboot"}\n{"command":"upstream","action":"explode"}\n', 5);
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      { ok: true, result: { answered: 'cut' } },
      { ok: true, result: { answered: 'status' } },
      { ok: false, error: 'a request is one JSON object per line' },
      { ok: false, error: 'unknown command; the hub answers "status" and "upstream"' },
      { ok: false, error: 'upstream takes "action": "cut" or "restore"' },
    ]);
  });

  it('gives a handler failure back as a refusal, which the client raises as AdminRequestError', async () => {
    const dataFolder = folder();
    await channel(dataFolder, () => {
      throw new Error('the store is closing');
    });
    const asked = askHub(dataFolder, { command: 'status' });
    await expect(asked).rejects.toBeInstanceOf(AdminRequestError);
    await expect(asked).rejects.toThrow('the edge hub refused the request: the store is closing');
  });

  it('lets the client read a result', async () => {
    const dataFolder = folder();
    await channel(dataFolder, (request) => ({ echoed: request }));
    expect(await askHub(dataFolder, { command: 'upstream', action: 'restore' })).toEqual({ echoed: { command: 'upstream', action: 'restore' } });
  });

  it('replaces a socket file left by a hub that was killed, and removes its socket on close', async () => {
    const dataFolder = folder();
    writeFileSync(join(dataFolder, 'hub.sock'), 'stale');
    const started = await channel(dataFolder, () => 'fresh');
    expect(await askHub(dataFolder, { command: 'status' })).toBe('fresh');
    await started.close();
    expect(() => statSync(started.path)).toThrow();
  });

  it('says no hub runs when there is no socket, or nobody listens on it', async () => {
    const dataFolder = folder();
    await expect(askHub(dataFolder, { command: 'status' })).rejects.toBeInstanceOf(NoHubError);
    await expect(askHub(dataFolder, { command: 'status' })).rejects.toThrow(`no edge hub runs on ${dataFolder}: start one with \`edgewise run MANIFEST --connection-string CS --data ${dataFolder}\``);
    // A socket file whose server is gone (a hub killed with -9) refuses connections.
    const started = await startAdminChannel(dataFolder, () => 'x');
    const { renameSync } = await import('node:fs');
    renameSync(started.path, `${started.path}.kept`);
    await started.close();
    renameSync(`${started.path}.kept`, started.path);
    await expect(askHub(dataFolder, { command: 'status' })).rejects.toBeInstanceOf(NoHubError);
  });

  it('refuses a data folder too long for a unix socket path, with a line saying what to do', async () => {
    const long = join(folder(), 'x'.repeat(100));
    (await import('node:fs')).mkdirSync(long);
    await expect(startAdminChannel(long, () => 'x')).rejects.toThrow(/too long a path for the hub's admin socket .*use a shorter --data/);
  });
});

describe('parseAdminRequest', () => {
  it('reads the two commands and nothing else', () => {
    expect(parseAdminRequest('{"command":"status","extra":1}')).toEqual({ command: 'status' });
    expect(parseAdminRequest('{"command":"upstream","action":"restore"}')).toEqual({ command: 'upstream', action: 'restore' });
    expect(parseAdminRequest('null')).toBe('unknown command; the hub answers "status" and "upstream"');
    expect(parseAdminRequest('[1]')).toBe('unknown command; the hub answers "status" and "upstream"');
  });
});
