// What a new deployment changes for each user module, decided by `edgewise diff` itself
// (diffManifests → groupChanges → impact classes, src/diff/impact.ts), so the agent recreates
// exactly the modules the diff says it will. edgeAgent makes the same split in ModuleSet.Diff and
// HealthRestartPlanner.PlanAsync (Azure/iotedge edge-agent Core): added, removed, updated
// (stop, remove, create, start) and desired-status-only changes (start or stop in place).
import { diffManifests } from '../../diff/diff-manifests.js';
import type { AgentDeployment } from './agent-types.js';

export interface ChangePlan {
  /** In the next deployment only. */
  create: string[];
  /** In the current deployment only. */
  remove: string[];
  /** A change diff classes as recreate (image, env, createOptions, restartPolicy, version, startupOrder…). */
  recreate: string[];
  /** Only the desired status changed. */
  startStop: string[];
  /** Nothing the container sees changed (a twin, or settings edgeAgent does not read). */
  unchanged: string[];
}

/** The plan from `current` (undefined before the first deployment) to `next`, for user modules. */
export async function planChanges(current: AgentDeployment | undefined, next: AgentDeployment): Promise<ChangePlan> {
  const plan: ChangePlan = { create: [], remove: [], recreate: [], startStop: [], unchanged: [] };
  const nextNames = new Set(next.modules.map((module) => module.name));
  if (!current) {
    plan.create = [...nextNames].sort();
    return plan;
  }
  const currentNames = new Set(current.modules.map((module) => module.name));
  const diff = await diffManifests({ file: 'current deployment', value: asManifest(current) }, { file: 'next deployment', value: asManifest(next) });
  const decided = new Set<string>();
  for (const group of diff.groups) {
    const name = group.module;
    if (group.section !== 'module' || name === undefined || !(currentNames.has(name) || nextNames.has(name))) continue;
    decided.add(name);
    switch (group.impact) {
      case 'create':
        plan.create.push(name);
        break;
      case 'remove':
        plan.remove.push(name);
        break;
      case 'recreate':
        plan.recreate.push(name);
        break;
      case 'stop-start':
        plan.startStop.push(name);
        break;
      default:
        plan.unchanged.push(name);
    }
  }
  for (const name of nextNames) if (!decided.has(name)) plan.unchanged.push(name);
  for (const list of Object.values(plan)) list.sort();
  return plan;
}

/** The deployment as the manifest edgewise diff compares: its `$edgeAgent` desired document. */
function asManifest(deployment: AgentDeployment): unknown {
  return { modulesContent: { $edgeAgent: { 'properties.desired': deployment.desired } } };
}
