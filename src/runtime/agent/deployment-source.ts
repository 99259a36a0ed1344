// Which deployment the agent runs when the `$edgeAgent` twin says something: with a manifest, the
// twin's deployment when the agent starts is not a new one (the manifest runs), and only one the
// cloud sends after that replaces it. That starting point is the first twin read while the cloud
// is connected, since the hub's stored copy may be older than the cloud's. When the cloud holds
// the manifest's very deployment, it is adopted with the twin's version (reported as applied).
// Without a manifest (`--from-cloud`), every new version is taken. A deployment the agent cannot
// run is refused with its reason (edgeAgent's lastDesiredStatus 400) and nothing changes.
import { isDeepStrictEqual } from 'node:util';
import { InputError } from '../../errors.js';
import type { AgentDeployment } from './agent-types.js';
import { deploymentFromDesired } from './deployment.js';

export interface DeploymentSourceOptions {
  /** The local manifest's deployment; undefined: the cloud's twin is the only source. */
  manifestDeployment?: AgentDeployment;
  isConnected: () => boolean;
  apply: (deployment: AgentDeployment) => Promise<void>;
  refuse: (version: number, reason: string) => void;
  log: (line: string) => void;
}

export interface DeploymentSource {
  /** Whether the starting point is still to be read (the twin is read again while it is). */
  readonly waitingForBaseline: boolean;
  /** The twin's desired document ({} when never deployed) and its version. */
  onDesired(desired: Record<string, unknown>, version: number): Promise<void>;
}

export function deploymentSource(options: DeploymentSourceOptions): DeploymentSource {
  const { manifestDeployment, log } = options;
  let baseline = manifestDeployment === undefined;
  let handledVersion: number | undefined;

  const fromBaseline = async (desired: Record<string, unknown>, version: number): Promise<void> => {
    baseline = true;
    handledVersion = version;
    if (Object.keys(desired).length === 0) return;
    if (!isDeepStrictEqual(desired, manifestDeployment!.desired)) {
      log(`the cloud's $edgeAgent deployment (version ${version}) differs from the manifest, which runs until the cloud sends a new deployment (--from-cloud runs the cloud's)`);
      return;
    }
    await options.apply({ ...manifestDeployment!, version });
  };

  return {
    get waitingForBaseline() {
      return !baseline;
    },
    async onDesired(desired, version) {
      if (!baseline) {
        if (options.isConnected()) await fromBaseline(desired, version);
        return;
      }
      if (Object.keys(desired).length === 0 || version === handledVersion) return;
      handledVersion = version;
      let next: AgentDeployment;
      try {
        next = deploymentFromDesired(desired, version);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        log(`$edgeAgent deployment version ${version} refused, the modules stay as they are: ${error.message}`);
        options.refuse(version, error.message);
        return;
      }
      log(`$edgeAgent deployment version ${version} received`);
      await options.apply(next);
    },
  };
}
