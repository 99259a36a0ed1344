// UpstreamProtocol MqttWs: the link speaks MQTT inside a WebSocket on wss://{host}/$iothub/websocket
// (subprotocol "mqtt"), as IoT Hub serves it on 443. The emulator has no WebSocket side, so a small
// bridge here (ws, the server MQTT.js's own WebSocket transport comes with) carries the frames to
// the emulator's MQTT-over-TLS port, with the emulator's own certificate.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { WebSocketServer } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cloudMessages, CHILD, hubMessage, startUpstreamWorld, waitFor, type UpstreamWorld } from './upstream-support.js';

describe('upstream over MQTT-over-WebSocket', () => {
  let world: UpstreamWorld;
  let server: Server;
  const seen: { path: string | undefined; protocol: string | undefined }[] = [];

  beforeEach(async () => {
    world = await startUpstreamWorld();
    const certs = join(world.cloud.folder, 'certs');
    server = createServer({ key: readFileSync(join(certs, 'server-key.pem')), cert: readFileSync(join(certs, 'server.pem')) });
    const sockets = new WebSocketServer({ server });
    sockets.on('connection', (socket, request) => {
      seen.push({ path: request.url, protocol: request.headers['sec-websocket-protocol'] });
      const { host, port } = world.cloud.running.info.mqtt;
      const upstream = connect({ host, port, ca: world.cloud.ca });
      socket.on('message', (data: Buffer) => upstream.write(data));
      upstream.on('data', (data: Buffer) => socket.send(data));
      socket.on('close', () => upstream.destroy());
      upstream.on('close', () => socket.close());
      upstream.on('error', () => socket.close());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    await world?.close();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('connects on /$iothub/websocket with the mqtt subprotocol and sends telemetry', async () => {
    const port = (server.address() as { port: number }).port;
    const { link } = world.openLink({ protocol: 'MqttWs', webSocketPort: port });
    await waitFor('the link to connect', () => link.state === 'connected');
    await link.sendTelemetry(hubMessage(CHILD, 'over websocket'));
    expect((await cloudMessages(world.cloud)).map((message) => [message.deviceId, message.body])).toEqual([[CHILD.deviceId, 'over websocket']]);
    expect(seen[0]).toEqual({ path: '/$iothub/websocket', protocol: 'mqtt' });
  });
});
