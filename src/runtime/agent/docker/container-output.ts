// Copies a container's stdout and stderr into the module's log file while it runs, so
// `edgewise logs MODULE` reads docker modules as it reads processes. Attached before start (as
// `docker run` attaches), it sees the output from the first byte; the stream ends by itself when
// the container stops. Without a TTY the engine multiplexes both streams in 8-byte-header frames.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { Writable } from 'node:stream';
import type { ModuleLogWriter } from '../process/module-log-writer.js';

/** Attaches to the container's output; the result detaches (the stream also ends when the container stops). */
export async function attachOutput(docker: Docker, containerId: string, tty: boolean, writer: ModuleLogWriter): Promise<() => void> {
  const stream = (await docker.getContainer(containerId).attach({ stream: true, stdout: true, stderr: true })) as Duplex;
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writer.write(chunk);
      done();
    },
  });
  if (tty) stream.pipe(sink);
  else docker.modem.demuxStream(stream, sink, sink);
  // A reset when the engine goes away must not become an unhandled 'error'.
  stream.on('error', () => undefined);
  return () => stream.destroy();
}
