// A connection given up while it is still connecting must take its socket with it. A downstream
// client that connects and leaves within milliseconds has its identity's upstream connection
// released (or the link closed) before the cloud's CONNACK; MQTT.js's graceful end then only
// queues a DISCONNECT for "after connect" and leaves the TLS socket open, so the emulator kept a
// connection nobody owned and `edgewise run` did not exit on SIGTERM (assembly helper's report).
// The sockets are counted with `ss`, by the emulator's MQTT port, from the client side.
import { execFileSync } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHILD, MODULE, startUpstreamWorld, waitFor, type UpstreamWorld } from './upstream-support.js';

/** This process's open client sockets to the port (SYN-SENT, ESTABLISHED, or closing but not yet by us). */
function socketsTo(port: number): number {
  const lines = execFileSync('ss', ['-Htn', 'state', 'syn-sent', 'state', 'established', 'state', 'close-wait', `dport = :${port}`], { encoding: 'utf8' });
  return lines.split('\n').filter((line) => line.trim() !== '').length;
}

describe('a connection given up while connecting', () => {
  let world: UpstreamWorld;
  let port: number;

  beforeEach(async () => {
    world = await startUpstreamWorld();
    port = world.cloud.running.info.mqtt.port;
  });

  afterEach(async () => {
    await world?.close();
  });

  it('closes its socket when the identity is released at once (attach, then detach)', async () => {
    const { link } = world.openLink({ idleMs: 0 });
    await waitFor('the link to connect', () => link.state === 'connected');
    expect(socketsTo(port)).toBe(1);

    for (const identity of [CHILD, MODULE]) {
      link.attach(identity);
      link.detach(identity);
    }
    // Long enough for the abandoned handshakes to have finished, had their sockets stayed open.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await waitFor('only the hub’s own connection to remain', () => socketsTo(port) === 1);

    await link.close();
    await waitFor('no socket to the emulator', () => socketsTo(port) === 0);
  }, 40_000);

  it('closes every socket on link.close(), those mid-handshake included', async () => {
    const { link } = world.openLink();
    // The hub's own connection and the child's are both still connecting here.
    link.attach(CHILD);
    link.detach(CHILD);
    await link.close();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await waitFor('no socket to the emulator', () => socketsTo(port) === 0, 10_000);
  }, 40_000);
});
