// Shared by the docker backend tests: temp folders, a command run inside a container, a free
// port, a unix socket standing in for a module's workload socket, and a poll with a generous
// deadline (a busy machine only makes these slower, never wrong).
import Docker from 'dockerode';
import { createServer, type Server } from 'node:net';
import { Writable } from 'node:stream';
import { tempFolders } from '../../../support/temp-folders.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

const folders = tempFolders('edgewise-docker-');

export const tempFolder = folders.make;
export const removeTempFolders = folders.removeAll;

export function engineClient(host: string): Docker {
  return new Docker({ socketPath: host.slice('unix://'.length) });
}

/** Runs `command` inside a running container; resolves with its output and exit code. */
export async function execIn(docker: Docker, containerId: string, command: string[]): Promise<{ output: string; exitCode: number | null }> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  let output = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      output += chunk.toString();
      done();
    },
  });
  await new Promise<void>((resolve, reject) => {
    docker.modem.demuxStream(stream, sink, sink);
    stream.on('end', resolve);
    stream.on('error', reject);
  });
  return { output, exitCode: (await exec.inspect()).ExitCode };
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function listenOnSocket(path: string): Promise<Server> {
  const server = createServer((socket) => socket.end('workload\n'));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return server;
}

export const waitFor = pollUntil;
