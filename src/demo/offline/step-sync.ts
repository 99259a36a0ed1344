// Step 2, sync: the edge device connects once. On that first sync the hub downloads its device
// scope (the child device and the modules, with their keys) and keeps it; then the child device
// authenticates against the hub, the modules run, their twins come through the hub, telemetry
// flows through the routes to the cloud, and the filter calls the child's direct method.
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, PROMISE_WAIT_MS, SENSOR, type DemoContext } from './demo-context.js';
import { readHubProgress } from './hub-progress.js';
import { counted } from './narration.js';
import { gatewayHostName, startDemoEdge, type DemoEdge } from './start-demo-edge.js';
import { waitUntil } from './wait-until.js';

/** The threshold the example's deployment gives the filter. */
export const DEPLOYED_THRESHOLD = 25;

export async function syncStep(context: DemoContext, onEdge: (edge: DemoEdge) => void): Promise<DemoEdge> {
  const { checks, narrator, cloud, inbox, signal } = context;
  const demoEdge = await startDemoEdge(context);
  onEdge(demoEdge);
  const { edge, child, methodBlocked } = demoEdge;
  const { info } = edge.hub;
  narrator.say(`edge hub of ${EDGE_DEVICE} on mqtts://${info.mqtt.host}:${info.mqtt.port} and https://${info.https.host}:${info.https.port}; the agent runs ${SENSOR} and ${FILTER} as processes (ModuleClient.fromEnvironment)`);
  if (methodBlocked) narrator.say(`the direct-method checks will be skipped: ${methodBlocked.reason}`);

  const synced = await waitUntil(
    () => edge.hub.upstreamState === 'connected' && [{ deviceId: CHILD_DEVICE }, { deviceId: EDGE_DEVICE, moduleId: FILTER }, { deviceId: EDGE_DEVICE, moduleId: SENSOR }].every((identity) => edge.hub.identities.keyOf(identity) !== undefined),
    PROMISE_WAIT_MS,
    signal,
  );
  checks.expect(
    'sync',
    'first sync: the hub connected and stored its device scope',
    synced ? `${CHILD_DEVICE}, ${EDGE_DEVICE}/${SENSOR} and ${EDGE_DEVICE}/${FILTER} with their keys, kept in its store` : undefined,
    `after ${PROMISE_WAIT_MS / 1000} s the upstream is ${edge.hub.upstreamState} and the scope lacks some of ${CHILD_DEVICE}, ${SENSOR}, ${FILTER}`,
  );

  if (!methodBlocked) {
    await cloud.client.updateDesired(EDGE_DEVICE, FILTER, { alertDevice: CHILD_DEVICE });
    narrator.say(`$ edgewise cloud twin update ${EDGE_DEVICE}/${FILTER} --desired '{"alertDevice":"${CHILD_DEVICE}"}'   (the filter calls ${CHILD_DEVICE}'s alert method on each alert)`);
  }

  child.start();
  narrator.say(`child device ${CHILD_DEVICE} started: the SDK's Client with GatewayHostName=${gatewayHostName(info)}, trusting ${info.ca}`);
  const childIn = await waitUntil(() => child.events('connected', 1).length > 0 && readHubProgress(edge.hub).clients.has(CHILD_DEVICE), PROMISE_WAIT_MS, signal);
  checks.expect('sync', `child device ${CHILD_DEVICE} authenticates through the edge hub`, childIn ? 'with the key from the stored scope' : undefined, `it did not connect within ${PROMISE_WAIT_MS / 1000} s`);

  const modules = [SENSOR, FILTER].map((name) => `${EDGE_DEVICE}/${name}`);
  const modulesIn = await waitUntil(() => modules.every((id) => readHubProgress(edge.hub).clients.has(id)), PROMISE_WAIT_MS, signal);
  checks.expect('sync', 'the modules connect to the hub', modulesIn ? modules.join(' and ') : undefined, `not all of ${modules.join(', ')} connected within ${PROMISE_WAIT_MS / 1000} s`);

  const threshold = await waitUntil(async () => (await cloud.client.getTwin(EDGE_DEVICE, FILTER)).properties.reported.threshold === DEPLOYED_THRESHOLD, PROMISE_WAIT_MS, signal);
  checks.expect('sync', `${FILTER} reads its twin through the hub`, threshold ? `it applied desired threshold ${DEPLOYED_THRESHOLD} and reported it to the cloud` : undefined, `the cloud's twin of ${EDGE_DEVICE}/${FILTER} never reported threshold ${DEPLOYED_THRESHOLD}`);

  const flowing = await waitUntil(
    async () => {
      await inbox.refresh();
      return inbox.from(EDGE_DEVICE, FILTER).length > 0 && inbox.from(CHILD_DEVICE, null).length > 0;
    },
    PROMISE_WAIT_MS,
    signal,
  );
  checks.expect(
    'sync',
    'telemetry reaches the cloud through the routes',
    flowing ? `${counted(inbox.from(EDGE_DEVICE, FILTER).length, 'alert')} (${SENSOR} → ${FILTER} → $upstream), ${counted(inbox.from(CHILD_DEVICE, null).length, 'reading')} of ${CHILD_DEVICE}` : undefined,
    `after ${PROMISE_WAIT_MS / 1000} s the cloud has ${inbox.from(EDGE_DEVICE, FILTER).length} alerts and ${inbox.from(CHILD_DEVICE, null).length} readings of ${CHILD_DEVICE}`,
  );

  const methodTitle = `direct method ${FILTER} → ${CHILD_DEVICE} through the hub, while connected`;
  if (methodBlocked) {
    checks.skipped('sync', methodTitle, `${methodBlocked.reason}; to enable it: ${methodBlocked.enable}`);
  } else {
    const called = await waitUntil(() => child.events('method').length > 0, PROMISE_WAIT_MS, signal);
    checks.expect('sync', methodTitle, called ? `ModuleClient.invokeMethod to https://${info.gatewayHostName}/ (443), answered by ${CHILD_DEVICE}` : undefined, `${CHILD_DEVICE} got no alert call within ${PROMISE_WAIT_MS / 1000} s`);
  }
  return demoEdge;
}
