// The pure decisions under the reconciler: which exits each restartPolicy restarts (as IoT Edge
// documents them), edgeAgent's cool-off (CoolOffTimeUnitInSeconds × 2^restartCount, capped at
// 300 s), and exit codes as Docker reports a signal (128 + its number).
import { describe, expect, it } from 'vitest';
import { coolOffMs, EDGE_AGENT_BACKOFF, restartsExhausted } from '../../../../src/runtime/agent/crash-backoff.js';
import { exitOutcome } from '../../../../src/runtime/agent/exit-outcome.js';
import { reportedExitCode, restartsAfter } from '../../../../src/runtime/agent/restart-policy.js';

const clean = { code: 0, signal: null };
const crash = { code: 1, signal: null };
const killed = { code: null, signal: 'SIGKILL' };

describe('restartsAfter', () => {
  it.each([
    ['always', [true, true, true, true]],
    ['on-unhealthy', [false, true, true, true]],
    ['on-failure', [false, true, true, false]],
    ['never', [false, false, false, false]],
  ] as const)('%s restarts after [clean exit, crash, kill, unhealthy] = %j', (policy, expected) => {
    expect([restartsAfter(policy, clean), restartsAfter(policy, crash), restartsAfter(policy, killed), restartsAfter(policy, 'unhealthy')]).toEqual(expected);
  });
});

describe('crash back-off', () => {
  it("follows edgeAgent's defaults: 10 s doubling, at most 5 minutes, 20 restarts", () => {
    expect([0, 1, 2, 3, 4, 5, 6, 1000].map((count) => coolOffMs(count, EDGE_AGENT_BACKOFF) / 1000)).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
    expect(restartsExhausted(19, EDGE_AGENT_BACKOFF)).toBe(false);
    expect(restartsExhausted(20, EDGE_AGENT_BACKOFF)).toBe(true);
  });

  it('reports a signal as Docker does', () => {
    expect(reportedExitCode({ code: null, signal: 'SIGTERM' })).toBe(143);
    expect(reportedExitCode(killed)).toBe(137);
    expect(reportedExitCode({ code: 3, signal: null })).toBe(3);
  });

  it('clears the restart count of a run that lasted the healthy time before deciding', () => {
    const outcome = exitOutcome({
      policy: 'always',
      runtime: { runtimeStatus: 'running', restartCount: 7, lastRestartTimeUtc: '2024-01-01T00:00:00.000Z' },
      ending: { kind: 'exit', exit: { ...crash, atMs: Date.parse('2024-01-01T00:10:00.000Z') } },
      ranMs: EDGE_AGENT_BACKOFF.healthyAfterMs,
      backoff: EDGE_AGENT_BACKOFF,
    });
    expect(outcome).toEqual({
      runtime: { runtimeStatus: 'backoff', restartCount: 0, exitCode: 1, lastExitTimeUtc: '2024-01-01T00:10:00.000Z', statusDescription: 'exited with code 1; restarting in 10 s' },
      restartInMs: 10_000,
    });
  });

  it('describes a module killed by a signal', () => {
    const outcome = exitOutcome({ policy: 'never', runtime: { runtimeStatus: 'running', restartCount: 0 }, ending: { kind: 'exit', exit: { ...killed, atMs: 0 } }, backoff: EDGE_AGENT_BACKOFF });
    expect(outcome.runtime).toMatchObject({ runtimeStatus: 'failed', exitCode: 137, statusDescription: 'killed by SIGKILL; restartPolicy never does not restart it' });
    expect(outcome.restartInMs).toBeUndefined();
  });
});
