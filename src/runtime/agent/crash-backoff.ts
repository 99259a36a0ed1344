// How long a crashed module waits before its next restart, and when the agent gives up: as
// edgeAgent's RestartPolicyManager (Azure/iotedge edge-agent Core RestartPolicyManager.cs): the
// cool-off is CoolOffTimeUnitInSeconds × 2^restartCount, capped at MaxCoolOffPeriodSecs (300 s);
// after MaxRestartCount restarts the module is "failed" and left alone; a module that has run for
// IntensiveCareTimeInMinutes has its restart count cleared (HealthRestartPlanner
// ResetStatsForHealthyModulesAsync). Defaults from edge-agent Service appsettings_agent.json:
// MaxRestartCount 20, CoolOffTimeUnitInSeconds 10, IntensiveCareTimeInMinutes 10.

export interface CrashBackoff {
  /** The first cool-off (edgeAgent: 10 s); it doubles with every restart. */
  minMs: number;
  /** The cap (edgeAgent: 5 minutes). */
  maxMs: number;
  /** Restarts before the module is reported failed and no longer restarted (edgeAgent: 20). */
  maxRestarts: number;
  /** Running this long clears the restart count (edgeAgent: 10 minutes). */
  healthyAfterMs: number;
}

export const EDGE_AGENT_BACKOFF: Readonly<CrashBackoff> = {
  minMs: 10_000,
  maxMs: 300_000,
  maxRestarts: 20,
  healthyAfterMs: 600_000,
};

/** The wait before restart number `restartCount + 1`, counted from the exit. */
export function coolOffMs(restartCount: number, backoff: Pick<CrashBackoff, 'minMs' | 'maxMs'>): number {
  // 2^restartCount overflows to Infinity for huge counts; Math.min still caps it.
  return Math.min(backoff.minMs * 2 ** restartCount, backoff.maxMs);
}

/** Whether the agent has given up on a module that has been restarted `restartCount` times. */
export function restartsExhausted(restartCount: number, backoff: Pick<CrashBackoff, 'maxRestarts'>): boolean {
  return restartCount >= backoff.maxRestarts;
}
