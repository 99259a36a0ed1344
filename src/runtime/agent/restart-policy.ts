// Whether a module that stopped by itself is restarted, per its restartPolicy, as IoT Edge
// documents the four values (learn.microsoft.com/azure/iot-edge/module-composition, quoted in
// MicrosoftDocs/azure-docs#32871): never — not restarted; on-failure — restarted if it crashes
// (a non-zero exit, or killed by a signal: Docker reports 128+signal, and edgeAgent's
// DockerEnvironment.ToRuntimeStatus calls any non-zero exit "failed"); on-unhealthy — restarted if
// it crashes or its health check says unhealthy; always — restarted however it stopped.
//
// Where edgeAgent's code departs from its docs, the docs win: edgeAgent also starts an
// on-failure module that exited with 0 (HealthRestartPlanner.ProcessStateChangedModules starts
// any "stopped" module whose policy is above never; Azure/iotedge#5138) and never reads Docker
// health (RestartPolicyManager's TODO; Azure/iotedge#6358, MicrosoftDocs/azure-docs#93412).
// A backend without health checks (the process backend) never reports unhealthy, so there
// on-unhealthy acts as on-failure.
import { constants } from 'node:os';
import type { ModuleExit, RestartPolicy } from './agent-types.js';

/** A clean exit is code 0 without a signal; anything else is a crash. */
export function exitedCleanly(exit: Pick<ModuleExit, 'code' | 'signal'>): boolean {
  return exit.code === 0 && exit.signal === null;
}

/** Whether the policy restarts a module that exited (or, with `unhealthy`, one whose health check failed). */
export function restartsAfter(policy: RestartPolicy, exit: Pick<ModuleExit, 'code' | 'signal'> | 'unhealthy'): boolean {
  if (exit === 'unhealthy') return policy === 'on-unhealthy' || policy === 'always';
  switch (policy) {
    case 'always':
      return true;
    case 'on-failure':
    case 'on-unhealthy':
      return !exitedCleanly(exit);
    case 'never':
      return false;
  }
}

/** The exit code as Docker reports it: a signal's number plus 128 when killed (SIGTERM → 143). */
export function reportedExitCode(exit: Pick<ModuleExit, 'code' | 'signal'>): number {
  if (exit.code !== null) return exit.code;
  const signals: Record<string, number | undefined> = constants.signals;
  const number = exit.signal ? signals[exit.signal] : undefined;
  return number === undefined ? 1 : 128 + number;
}
