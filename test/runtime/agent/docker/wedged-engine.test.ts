// The docker backend against a stand-in engine on a unix socket that answers only what a test
// lets it: a wedged engine (no answer to ping or stop) must end in a ModuleBackendError, not hang
// the agent, and the create request and data-folder label are checked as the engine receives them.
import Docker from 'dockerode';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ModuleBackendError } from '../../../../src/runtime/agent/agent-types.js';
import { DATA_FOLDER_LABEL } from '../../../../src/runtime/agent/docker/container-config.js';
import { DockerBackend, openDockerBackend } from '../../../../src/runtime/agent/docker/docker-backend.js';
import { removeTempFolders, tempFolder } from './docker-support.js';

const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  }
  removeTempFolders();
});

/** An engine that answers with `answer`, or never when it returns undefined; every request URL is kept. */
async function standInEngine(answer: (request: IncomingMessage) => { status: number; body: unknown } | undefined): Promise<{ host: string; urls: string[] }> {
  const socketPath = join(tempFolder('edgewise-wedged-'), 'engine.sock');
  const urls: string[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    urls.push(`${request.method} ${decodeURIComponent(request.url ?? '')}`);
    request.resume();
    const reply = answer(request);
    if (!reply) return; // wedged
    response.writeHead(reply.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(reply.body));
  });
  servers.push(server);
  await new Promise<void>((done) => server.listen(socketPath, done));
  return { host: `unix://${socketPath}`, urls };
}

describe('docker backend against a wedged engine', () => {
  it('gives up on a ping the engine never answers', async () => {
    const { host } = await standInEngine(() => undefined);
    const opening = openDockerBackend({ dockerHost: host, dataFolder: '/tmp/x', log: () => {}, engineTimeouts: { pingMs: 200 } });
    await expect(opening).rejects.toThrow(ModuleBackendError);
    await expect(opening).rejects.toThrow(/no answer to a ping within 0.2 s/);
  });

  it('gives up on a stop the engine never answers, with a ModuleBackendError', async () => {
    const { host, urls } = await standInEngine((request) => (request.url === '/_ping' ? { status: 200, body: 'OK' } : undefined));
    const backend = await openDockerBackend({ dockerHost: host, dataFolder: '/tmp/x', log: () => {}, engineTimeouts: { stopMarginMs: 200 } });
    const stopping = backend.stop({ id: 'abc' }, 0);
    await expect(stopping).rejects.toThrow(ModuleBackendError);
    await expect(stopping).rejects.toThrow(/did not stop container abc within 0.2 s/);
    expect(urls).toContain('POST /containers/abc/stop?t=0');
  });
});

describe('docker backend requests', () => {
  it('labels containers with the absolute data folder, even when given a relative one', async () => {
    const { host, urls } = await standInEngine((request) => (request.url === '/_ping' ? { status: 200, body: 'OK' } : { status: 200, body: [] }));
    const backend = await openDockerBackend({ dockerHost: host, dataFolder: 'relative/data', log: () => {} });
    await backend.list();
    expect(urls.at(-1)).toContain(`"${DATA_FOLDER_LABEL}=${resolve('relative/data')}"`);
  });

  it('names the container after the module whatever createOptions say', async () => {
    const { host, urls } = await standInEngine((request) => {
      if (request.url?.startsWith('/images/')) return { status: 200, body: { Id: 'image' } };
      if (request.url?.startsWith('/containers/create')) return { status: 201, body: { Id: 'new' } };
      return { status: 404, body: { message: 'no such container' } };
    });
    const backend = new DockerBackend(new Docker({ socketPath: host.slice('unix://'.length) }), { dockerHost: host, dataFolder: '/tmp/x', log: () => {} });
    const spec = { name: 'filter', status: 'running' as const, restartPolicy: 'always' as const, startupOrder: 1, image: 'localhost/busybox:edgewise', imagePullPolicy: 'never' as const, createOptions: { name: 'other' }, env: {} };
    await backend.create({ spec, env: {}, workloadSocket: '/x/filter.sock', logFile: join(tempFolder(), 'filter.log') });
    const create = urls.find((url) => url.startsWith('POST /containers/create'));
    expect(create).toMatch(/[?&]name=filter(&|$)/);
    expect(create).not.toContain('name=other');
    await backend.close();
  });
});
