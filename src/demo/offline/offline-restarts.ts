// The restarts of step 3: with the cloud away, a module and a child device start again and must
// authenticate against the hub from its cached identities. The filter is killed as a crash would
// kill it (the agent restarts it after its back-off); the child device is stopped and started as a
// new process. Each is back once the hub lists a connection made after the restart.
import type { ProcessModuleHandle } from '../../runtime/agent/process/process-backend.js';
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, PROMISE_WAIT_MS, type DemoContext } from './demo-context.js';
import { readHubProgress } from './hub-progress.js';
import type { DemoEdge } from './start-demo-edge.js';
import { waitUntil } from './wait-until.js';

/** Kills the filter and checks that it is back; returns when it was killed (undefined if it was not running). */
export async function restartFilter(context: DemoContext, edge: DemoEdge['edge']): Promise<number | undefined> {
  const { checks, narrator, signal } = context;
  const title = `module ${FILTER} restarts and authenticates from the hub's cache`;
  const pidOf = (): number | undefined => (edge.agent.handleOf(FILTER) as ProcessModuleHandle | undefined)?.pid;
  const pid = pidOf();
  if (pid === undefined) {
    checks.failed('offline', title, `the agent runs no ${FILTER} process to restart`);
    return undefined;
  }
  const killedAtMs = Date.now();
  process.kill(pid, 'SIGKILL');
  narrator.say(`module ${FILTER} killed (SIGKILL to pid ${pid}): the agent restarts it`);
  const back = await waitUntil(
    () => {
      const now = pidOf();
      return now !== undefined && now !== pid && connectedSince(edge, `${EDGE_DEVICE}/${FILTER}`, killedAtMs) ? now : undefined;
    },
    PROMISE_WAIT_MS,
    signal,
  );
  checks.expect('offline', title, back === undefined ? undefined : `restarted by the agent as pid ${back}; no cloud needed`, `it was not connected again within ${PROMISE_WAIT_MS / 1000} s`);
  return killedAtMs;
}

export async function restartChild(context: DemoContext, { edge, child }: DemoEdge): Promise<void> {
  const { checks, narrator, signal } = context;
  await child.stop();
  const restartedAtMs = Date.now();
  child.start();
  narrator.say(`child device ${CHILD_DEVICE} stopped and started again (run ${child.run})`);
  const back = await waitUntil(() => child.events('connected', child.run).length > 0 && connectedSince(edge, CHILD_DEVICE, restartedAtMs), PROMISE_WAIT_MS, signal);
  checks.expect('offline', `child device ${CHILD_DEVICE} restarts and authenticates from the hub's cache`, back ? 'no cloud needed' : undefined, `run ${child.run} did not connect within ${PROMISE_WAIT_MS / 1000} s`);
}

/** Whether the hub lists a connection of `clientId` made at or after `sinceMs`. */
function connectedSince(edge: DemoEdge['edge'], clientId: string, sinceMs: number): boolean {
  return (readHubProgress(edge.hub).clients.get(clientId) ?? 0) >= sinceMs;
}
