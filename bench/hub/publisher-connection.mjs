// One benchmark publisher's MQTT.js connection over TLS, shared by publisher.mjs (closed loop) and
// paced-publisher.mjs (open loop): no reconnects, so a lost connection ends the run.
import mqtt from 'mqtt';

/** Connects `client` ({clientId, username?, password?}) to `url`, trusting `ca`. */
export function connectPublisher(url, ca, client) {
  return new Promise((resolve, reject) => {
    const connection = mqtt.connect(url, {
      clientId: client.clientId,
      username: client.username,
      password: client.password,
      protocolVersion: 4,
      clean: true,
      keepalive: 120,
      reconnectPeriod: 0,
      connectTimeout: 20_000,
      ca,
      rejectUnauthorized: true,
    });
    connection.once('connect', () => {
      // Nagle's algorithm holds back a 1 KB publish while the previous one is unacknowledged at
      // the TCP level: one connection then stalls at about 4,000 messages/s whatever the broker
      // (measured against mosquitto: 4,300/s with it, 34,000/s without). The load must not be the limit.
      connection.stream.setNoDelay(true);
      resolve(connection);
    });
    connection.once('error', reject);
  });
}
