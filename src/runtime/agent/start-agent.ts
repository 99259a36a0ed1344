// The edge agent beside a running hub (`edgewise run` starts both in one process): it keeps the
// deployment's modules in the state the deployment asks for, through a backend (processes or
// containers). The deployment comes from the local manifest, and then from the `$edgeAgent`
// twin: a deployment applied in the cloud after the agent started replaces it, without
// restarting what it does not change (deployment-source.ts). With `fromCloud`, the cloud's twin
// is the only source.
//
// Before a deployment is reconciled its module identities are made in the cloud and the hub's
// identity cache is refreshed (identity-upkeep.ts), so the workload API can sign for each module
// it starts. Module states are reported in the `$edgeAgent` reported properties.
//
// close() stops the modules (the process backend's are this process's children; containers are
// stopped too, as edgeAgent's shutdown does), closes the backend, writes the last report and
// closes the workload sockets. The agent owns the backend it is given.
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { NormalizedManifest } from '../../manifest/normalize-manifest.js';
import type { AgentDeployment, ModuleBackend, ModuleHandle, ModuleRuntime } from './agent-types.js';
import type { AgentHub } from './agent-hub.js';
import { AgentReporter } from './agent-reporter.js';
import { edgeAgentIdentity, watchAgentTwin } from './agent-twin-watch.js';
import type { CrashBackoff } from './crash-backoff.js';
import { deploymentFromManifest } from './deployment.js';
import { deploymentSource } from './deployment-source.js';
import { IdentityUpkeep } from './identity-upkeep.js';
import { ModuleLaunches } from './module-launches.js';
import { Reconciler } from './reconciler.js';
import type { DeploymentStatus } from './reported-state.js';
import { workloadUriFor } from './workload/module-env.js';
import { startWorkloadServer } from './workload/workload-server.js';

/** How often the twin is read while the agent waits for the cloud's starting point. */
const BASELINE_POLL_MS = 1000;

export interface AgentOptions {
  hub: AgentHub;
  backend: ModuleBackend;
  /** The data folder the hub runs on: module logs (DIR/logs) and workload sockets (DIR/workload) go there. */
  dataFolder: string;
  /** The deployment to start with; required unless `fromCloud`. */
  manifest?: NormalizedManifest;
  /** Start from the cloud's `$edgeAgent` twin instead of the manifest. */
  fromCloud?: boolean;
  log?: (line: string) => void;
  /** edgeAgent's back-off by default (10 s doubling to 5 minutes). */
  backoff?: Partial<CrashBackoff>;
  /** How long a module may take to stop before it is killed (default the backend's, 10 s). */
  stopGraceMs?: number;
  /** How long state changes gather before one reported patch (default 500 ms). */
  reportDelayMs?: number;
  /** Reported as the agent's version. */
  version?: string;
}

export interface RunningAgent {
  states(): Record<string, ModuleRuntime>;
  /** The deployment the modules were last reconciled to. */
  deployment(): AgentDeployment | undefined;
  /** The backend's handle of a running module (for the process backend it carries the pid). */
  handleOf(name: string): ModuleHandle | undefined;
  /** Resolves once every deployment received so far has been reconciled and its report handed to the twin service. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export async function startAgent(options: AgentOptions): Promise<RunningAgent> {
  const { hub, backend } = options;
  const log = options.log ?? (() => undefined);
  if (!options.fromCloud && !options.manifest) throw new InputError('the agent needs a deployment: give a manifest, or start from the cloud\'s deployment (--from-cloud)', 'missing-deployment');
  // A manifest the agent cannot run is refused before anything starts.
  const manifestDeployment = options.fromCloud ? undefined : deploymentFromManifest(options.manifest!);
  const startedAtMs = Date.now();
  const edgeDeviceId = hub.connection.deviceId;
  const identity = edgeAgentIdentity(edgeDeviceId);

  const workloadFolder = join(options.dataFolder, 'workload');
  // A process finds its socket through a unix:// URI: a data folder that cannot be written in one is refused now, not per module.
  if (backend.name === 'process') workloadUriFor(join(workloadFolder, 'module.sock'));
  const workload = await startWorkloadServer({
    folder: workloadFolder,
    edgeDeviceId,
    keyOf: (caller) => hub.identities.keyOf(caller),
    generationOf: (caller) => hub.identities.generationOf(caller),
    trustBundle: () => hub.edgeCa(),
    log,
  });
  const identities = new IdentityUpkeep({ hub, log });
  const launches = new ModuleLaunches({ hub, workload, identities, dataFolder: options.dataFolder, backend: backend.name, log });
  const reporter = new AgentReporter({ twins: hub.twins, identity, context: { agentStartedAtMs: startedAtMs, hubStartedAtMs: startedAtMs, version: options.version }, delayMs: options.reportDelayMs, log });

  /** The outcome of the last deployment the twin brought, when it was refused (the modules stay as they are). */
  let refused: { version: number; status: DeploymentStatus } | undefined;
  const report = (): void => {
    const deployment = reconciler.currentDeployment();
    if (!deployment) return;
    reporter.update(refused ? { deployment: { ...deployment, version: refused.version }, states: reconciler.states(), status: refused.status } : { deployment, states: reconciler.states() });
  };
  const reconciler = new Reconciler({
    backend,
    launchOf: (spec) => launches.launchOf(spec),
    onState: report,
    onRemoved: (name) => void launches.removed(name).catch((error: unknown) => log(`workload socket of ${name}: ${(error as Error).message}`)),
    log,
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
    ...(options.stopGraceMs === undefined ? {} : { stopGraceMs: options.stopGraceMs }),
  });

  // Deployments are taken one at a time, in the order they came.
  let accepted: AgentDeployment | undefined;
  let queue = Promise.resolve();
  const apply = (next: AgentDeployment): Promise<void> => {
    queue = queue
      .then(async () => {
        await identities.prepare(next, accepted);
        accepted = next;
        await reconciler.apply(next);
        report();
      })
      .catch((error: unknown) => log(`deployment not applied: ${(error as Error).message}`));
    return queue;
  };

  const source = deploymentSource({
    manifestDeployment,
    isConnected: () => hub.upstreamState === 'connected',
    apply: (next) => {
      refused = undefined;
      return apply(next);
    },
    refuse: (version, reason) => {
      refused = { version, status: { code: 400, description: reason } };
      report();
    },
    log,
  });

  if (manifestDeployment) void apply(manifestDeployment);
  else log("waiting for the cloud's $edgeAgent deployment");
  const watch = watchAgentTwin({ twins: hub.twins, edgeDeviceId, onDesired: (desired, version) => source.onDesired(desired, version), log });
  // The twin service tells of changes, not of the cloud coming back with a twin that did not change:
  // until the starting point is known, the twin is read again whenever the cloud is connected.
  const baselineTimer = setInterval(() => {
    if (!source.waitingForBaseline) clearInterval(baselineTimer);
    else if (hub.upstreamState === 'connected') watch.read();
  }, BASELINE_POLL_MS);
  baselineTimer.unref();

  let closing: Promise<void> | undefined;
  return {
    states: () => reconciler.states(),
    deployment: () => reconciler.currentDeployment(),
    handleOf: (name) => reconciler.handleOf(name),
    settled: async () => {
      await queue;
      await reconciler.idle();
      await reporter.flush();
    },
    close: () => {
      closing ??= (async () => {
        clearInterval(baselineTimer);
        watch.stop();
        identities.close();
        // The reconciler first: a deployment being applied waits for its passes, which restarts would keep going.
        await reconciler.close();
        await queue;
        await backend.close();
        await reporter.close();
        await workload.close();
      })();
      return closing;
    },
  };
}
