// A cloud that accepts the CONNECT but never answers the SUBSCRIBE that restores an identity's
// subscriptions must not leave the connection `connecting` for ever: the attempt ends after the
// connect timeout and is tried again with backoff (review finding: SUBACK without a deadline).
import { afterEach, expect, it } from 'vitest';
import type { ConnectionState, UpstreamConnection } from '../../../../src/runtime/hub/upstream/upstream-connection.js';
import { connectionTo, outcomeOf, startScriptedCloud, until, within, type ScriptedCloud } from './scripted-cloud.js';

let cloud: ScriptedCloud | undefined;
let connection: UpstreamConnection | undefined;

afterEach(async () => {
  await connection?.close();
  await cloud?.close();
  connection = undefined;
  cloud = undefined;
});

it('ends an attempt whose SUBACK never comes and tries again', async () => {
  // Nothing but CONNACK and PINGRESP: SUBSCRIBE goes unanswered.
  cloud = await startScriptedCloud(() => undefined);
  const states: ConnectionState[] = [];
  const logs: string[] = [];
  connection = connectionTo(cloud, { deviceId: 'child' }, {
    timings: { keepaliveSeconds: 60, connectTimeoutMs: 1000, tokenSeconds: 3600, renewalDrainMs: 200 },
    onStateChange: (state) => states.push(state),
    log: (line) => logs.push(line),
  });
  void connection.subscribe('devices/child/messages/devicebound/#');
  connection.open();
  const ready = outcomeOf(connection.ready());

  expect(await within(ready, 'the attempt to end', 15_000)).toMatch(/did not answer within 1 s/);
  expect(states).toEqual(['connecting', 'disconnected']);
  await until('a second attempt', () => cloud!.received.includes('2:connect'));
  expect(cloud.received.filter((packet) => packet.endsWith(':subscribe')).length).toBeGreaterThanOrEqual(1);
  expect(logs.some((line) => line.includes('its subscriptions failed'))).toBe(true);
}, 40_000);
