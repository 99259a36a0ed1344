// Groups changes by what they belong to (a module, with its twin; the routes; store-and-forward;
// registry credentials; the rest of edgeAgent's or edgeHub's settings), each with its impact, in
// the order a reviewer reads them: system modules, modules by name, then the edgeHub sections.
import type { Change, Section } from './change-list.js';
import { IMPACT_ORDER, strongestImpact, type Impact } from './impact.js';

export interface ChangeGroup {
  section: Section;
  /** The module name, for module groups. */
  module?: string;
  /** The strongest impact among the changes. */
  impact: Impact;
  /** Every impact present, strongest first (a module may be recreated and get a twin patch). */
  effects: Impact[];
  changes: Change[];
}

const SECTION_ORDER: readonly Section[] = ['module', 'routes', 'storeAndForward', 'registryCredentials', 'agentSettings', 'hubSettings'];
const SYSTEM_ORDER = ['edgeAgent', 'edgeHub'];

export function groupChanges(changes: readonly Change[]): ChangeGroup[] {
  const byKey = new Map<string, Change[]>();
  for (const change of changes) {
    const key = change.section === 'module' ? `module:${change.module}` : change.section;
    // Appended, never copied: a copy per change made 100,000 route changes quadratic.
    const list = byKey.get(key);
    if (list) list.push(change);
    else byKey.set(key, [change]);
  }
  const groups: ChangeGroup[] = [];
  for (const list of byKey.values()) {
    const first = list[0]!;
    // A module's own definition first, then its twin.
    const ordered = [...list.filter((change) => change.segments[0] !== 'twins'), ...list.filter((change) => change.segments[0] === 'twins')];
    const effects = [...new Set(ordered.map((change) => change.impact))];
    const impact = strongestImpact(effects);
    const shown = effects.filter((effect) => effect !== 'no-effect' || effects.length === 1);
    groups.push({ section: first.section, module: first.module, impact, effects: sortImpacts(shown), changes: ordered });
  }
  return groups.sort(compareGroups);
}

function sortImpacts(impacts: Impact[]): Impact[] {
  return [...impacts].sort((a, b) => IMPACT_ORDER.indexOf(a) - IMPACT_ORDER.indexOf(b));
}

function compareGroups(a: ChangeGroup, b: ChangeGroup): number {
  const section = SECTION_ORDER.indexOf(a.section) - SECTION_ORDER.indexOf(b.section);
  if (section !== 0 || a.section !== 'module') return section;
  const rank = (name: string): number => (SYSTEM_ORDER.includes(name) ? SYSTEM_ORDER.indexOf(name) : SYSTEM_ORDER.length);
  const nameA = a.module ?? '';
  const nameB = b.module ?? '';
  return rank(nameA) - rank(nameB) || nameA.localeCompare(nameB, 'en', { sensitivity: 'base' }) || (nameA < nameB ? -1 : nameA > nameB ? 1 : 0);
}
