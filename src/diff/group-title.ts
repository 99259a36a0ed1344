// What a change group is called in the human formats.
import type { ChangeGroup } from './change-groups.js';

const SECTION_TITLE = {
  routes: 'routes',
  storeAndForward: 'store-and-forward',
  registryCredentials: 'registry credentials',
  agentSettings: 'edgeAgent settings',
  hubSettings: 'edgeHub settings',
} as const;

export function groupTitle(group: ChangeGroup, code: (name: string) => string = (name) => name): string {
  if (group.section === 'module') return `module ${code(group.module ?? '')}`;
  return SECTION_TITLE[group.section];
}
