// A hub as the status page sees it (status, cut, restore), for the tests that need no real hub:
// its status is what the test sets, and cut/restore flip the upstream state as the real one does.
import type { HubStatus } from '../../../src/runtime/hub/index.js';
import type { StatusPageHub } from '../../../src/runtime/status-page/status-page-server.js';

export function hubStatusWith(queues: HubStatus['queues'], counters: Partial<HubStatus['counters']> = {}, upstream: HubStatus['upstream'] = 'connected'): HubStatus {
  return {
    upstream,
    clients: [],
    queues,
    store: { messages: 0, bytes: 0 },
    counters: { received: 0, stored: 0, delivered: 0, expired: 0, refused: 0, ...counters },
    resync: { round: 0, state: 'never-connected', steps: [] },
    twins: { pendingReported: 0, identitiesPending: 0 },
  };
}

export interface FakeHub extends StatusPageHub {
  current: HubStatus;
  actions: string[];
}

export function fakeHub(initial: HubStatus = hubStatusWith([])): FakeHub {
  const hub: FakeHub = {
    current: initial,
    actions: [],
    status: () => hub.current,
    cut: async () => {
      hub.actions.push('cut');
      hub.current = { ...hub.current, upstream: 'cut' };
    },
    restore: async () => {
      hub.actions.push('restore');
      hub.current = { ...hub.current, upstream: 'connecting' };
    },
  };
  return hub;
}
