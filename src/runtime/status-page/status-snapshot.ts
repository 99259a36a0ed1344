// What the status page's script reads every poll (GET /api/status): the hub's status as
// `edgewise hub status` shows it, the agent's modules when an agent runs, and the chart samples
// the page does not have yet. A pure function of its inputs.
import type { HubStatus } from '../hub/index.js';
import type { StatusSample } from './status-history.js';

/** One module as the agent last saw it: the reported runtime fields the page shows. */
export interface ModuleStateLike {
  runtimeStatus: string;
  restartCount: number;
  exitCode?: number;
  statusDescription?: string;
}

export interface ModuleView {
  name: string;
  runtimeStatus: string;
  restartCount: number;
  exitCode?: number;
  statusDescription?: string;
}

export interface StatusSnapshot {
  upstream: HubStatus['upstream'];
  clients: HubStatus['clients'];
  queues: HubStatus['queues'];
  store: HubStatus['store'];
  counters: HubStatus['counters'];
  /** null: no agent runs in this process (the hub runs alone), so no module is started. */
  modules: ModuleView[] | null;
  samples: StatusSample[];
}

export function statusSnapshot(status: HubStatus, modules: Record<string, ModuleStateLike> | undefined, samples: StatusSample[]): StatusSnapshot {
  return {
    upstream: status.upstream,
    clients: status.clients,
    queues: status.queues,
    store: status.store,
    counters: status.counters,
    modules: modules === undefined ? null : moduleViews(modules),
    samples,
  };
}

function moduleViews(modules: Record<string, ModuleStateLike>): ModuleView[] {
  return Object.entries(modules)
    .map(([name, state]) => ({
      name,
      runtimeStatus: state.runtimeStatus,
      restartCount: state.restartCount,
      ...(state.exitCode === undefined ? {} : { exitCode: state.exitCode }),
      ...(state.statusDescription === undefined ? {} : { statusDescription: state.statusDescription }),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
