// What follows when a module stops by itself (or fails to be created or started): its new
// runtime record and, when it is to be restarted, after how long. A pure function of the exit,
// the policy and the back-off, so the reconciler only schedules what this decides.
// Status names as edgeAgent reports them (RestartPolicyManager.ComputeModuleStatusFromRestartPolicy):
// "backoff" while a restart is pending, "failed" after a crash that is not (or no longer)
// restarted, "stopped" after a clean exit that is not restarted.
import type { ModuleExit, ModuleRuntime, RestartPolicy } from './agent-types.js';
import { coolOffMs, restartsExhausted, type CrashBackoff } from './crash-backoff.js';
import { exitedCleanly, reportedExitCode, restartsAfter } from './restart-policy.js';

/** How the module stopped: an exit, a failed health check, or a create/start the backend refused. */
export type Ending = { kind: 'exit'; exit: ModuleExit } | { kind: 'unhealthy'; atMs: number } | { kind: 'error'; message: string; atMs: number };

export interface ExitOutcome {
  runtime: ModuleRuntime;
  /** Set when the module is restarted: the wait from the ending. */
  restartInMs?: number;
}

export interface ExitContext {
  policy: RestartPolicy;
  runtime: ModuleRuntime;
  ending: Ending;
  /** How long this run lasted; a run of healthyAfterMs clears the restart count first. */
  ranMs?: number;
  backoff: CrashBackoff;
}

export function exitOutcome({ policy, runtime, ending, ranMs, backoff }: ExitContext): ExitOutcome {
  const atMs = ending.kind === 'exit' ? ending.exit.atMs : ending.atMs;
  const next: ModuleRuntime = { ...runtime, lastExitTimeUtc: new Date(atMs).toISOString() };
  if (ranMs !== undefined && ranMs >= backoff.healthyAfterMs) {
    next.restartCount = 0;
    delete next.lastRestartTimeUtc;
  }
  if (ending.kind === 'exit') next.exitCode = reportedExitCode(ending.exit);
  const what = describeEnding(ending);
  // A module that could not be created or started never ran: it is retried whatever its policy, as edgeAgent retries failed commands.
  const restarts = ending.kind === 'error' || restartsAfter(policy, ending.kind === 'exit' ? ending.exit : 'unhealthy');
  if (!restarts) {
    next.runtimeStatus = ending.kind === 'exit' && exitedCleanly(ending.exit) ? 'stopped' : 'failed';
    next.statusDescription = `${what}; restartPolicy ${policy} does not restart it`;
    return { runtime: next };
  }
  if (restartsExhausted(next.restartCount, backoff)) {
    next.runtimeStatus = 'failed';
    next.statusDescription = `crash loop: ${what} after ${next.restartCount} restarts; no more restarts until the deployment changes it`;
    return { runtime: next };
  }
  const waitMs = coolOffMs(next.restartCount, backoff);
  next.runtimeStatus = 'backoff';
  const loop = next.restartCount > 0 ? `crash loop: ${what} (restarted ${next.restartCount} time${next.restartCount === 1 ? '' : 's'})` : what;
  next.statusDescription = `${loop}; restarting in ${formatSeconds(waitMs)}`;
  return { runtime: next, restartInMs: waitMs };
}

function describeEnding(ending: Ending): string {
  switch (ending.kind) {
    case 'exit':
      return ending.exit.code === null && ending.exit.signal ? `killed by ${ending.exit.signal}` : `exited with code ${reportedExitCode(ending.exit)}`;
    case 'unhealthy':
      return 'its health check says unhealthy';
    case 'error':
      return ending.message;
  }
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
