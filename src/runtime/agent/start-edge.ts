// `edgewise run` as a library call: the edge hub, then the agent beside it, on one data folder.
// The hub comes first, as on IoT Edge, where modules start after edgeHub: they connect to it.
// The backend is made only once the hub holds the data folder's lock, so a second `run` on the
// same folder fails before it touches the first one's modules. close() stops the agent first
// (its modules, their last report to the twin service), then the hub.
import { resolve } from 'node:path';
import type { ModuleBackend } from './agent-types.js';
import { startAgent, type AgentOptions, type RunningAgent } from './start-agent.js';
import { startHub, type HubOptions, type RunningHub } from '../hub/start-hub.js';

export interface EdgeOptions {
  hub: HubOptions;
  /** Makes the backend once the hub runs (given the resolved data folder); the agent owns and closes it. */
  createBackend: (dataFolder: string) => ModuleBackend | Promise<ModuleBackend>;
  /** Start from the cloud's `$edgeAgent` deployment instead of the hub's manifest. */
  fromCloud?: boolean;
  /** Where the agent's log lines go (default: nowhere). */
  agentLog?: (line: string) => void;
  /** Agent settings tests shorten. */
  agent?: Pick<AgentOptions, 'backoff' | 'stopGraceMs' | 'reportDelayMs' | 'version'>;
}

export interface RunningEdge {
  hub: RunningHub;
  agent: RunningAgent;
  /** Stops the agent (and its modules), then the hub; again is fine. */
  close(): Promise<void>;
}

export async function startEdge(options: EdgeOptions): Promise<RunningEdge> {
  const dataFolder = resolve(options.hub.dataFolder);
  const hub = await startHub({ ...options.hub, dataFolder });
  let backend: ModuleBackend | undefined;
  let agent: RunningAgent;
  try {
    backend = await options.createBackend(dataFolder);
    agent = await startAgent({ ...options.agent, hub, backend, dataFolder, manifest: options.hub.manifest, fromCloud: options.fromCloud, log: options.agentLog });
  } catch (error) {
    await backend?.close().catch(() => undefined);
    await hub.close().catch(() => undefined);
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    hub,
    agent,
    close: () => {
      closing ??= (async () => {
        try {
          await agent.close();
        } finally {
          await hub.close();
        }
      })();
      return closing;
    },
  };
}
