// Every impact class, from base.json and one small patch each (fixtures/diff/impact/).
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff-manifests.js';
import type { Impact } from '../../src/diff/impact.js';
import { baseWith, fixturePath, readJson } from './diff-fixtures.js';

async function impactsOf(patchName: string): Promise<Record<string, { impact: Impact; effects: Impact[] }>> {
  const diff = await diffManifests({ file: 'base.json', value: readJson(fixturePath('base.json')) }, { file: patchName, value: baseWith(patchName) });
  return Object.fromEntries(diff.groups.map((group) => [group.module ? `module ${group.module}` : group.section, { impact: group.impact, effects: group.effects }]));
}

describe('impact of a change', () => {
  it.each([
    ['recreate-image', 'module filter', 'recreate'],
    ['recreate-env', 'module filter', 'recreate'],
    ['recreate-create-options', 'module SimulatedTemperatureSensor', 'recreate'],
    ['stop-start', 'module SimulatedTemperatureSensor', 'stop-start'],
    ['twin-patch', 'module filter', 'twin-patch'],
    ['routes-reload', 'routes', 'routes-reload'],
    ['store-and-forward', 'storeAndForward', 'routes-reload'],
    ['create', 'module alerts', 'create'],
    ['remove', 'module SimulatedTemperatureSensor', 'remove'],
  ] as const)('%s: %s is %s, and nothing else changes', async (patchName, where, impact) => {
    const impacts = await impactsOf(patchName);
    expect(impacts[where]).toEqual({ impact, effects: [impact] });
    const others = Object.keys(impacts).filter((key) => key !== where);
    expect(others).toEqual(patchName === 'remove' ? ['routes'] : []);
  });

  it('no effect: registry credentials, edgeAgent runtime settings and edgeHub version', async () => {
    expect(await impactsOf('no-effect')).toEqual({
      'module edgeHub': { impact: 'no-effect', effects: ['no-effect'] },
      registryCredentials: { impact: 'no-effect', effects: ['no-effect'] },
      agentSettings: { impact: 'no-effect', effects: ['no-effect'] },
    });
  });

  it('a module recreated and patched reports recreate first, with the twin patch beside it', async () => {
    expect((await impactsOf('recreate-and-twin'))['module filter']).toEqual({ impact: 'recreate', effects: ['recreate', 'twin-patch'] });
  });

  it('a status change together with an image change is a recreate, not a stop/start', async () => {
    const value = baseWith('recreate-image') as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { status: string } } } } } };
    value.modulesContent.$edgeAgent['properties.desired'].modules.filter.status = 'stopped';
    const diff = await diffManifests({ file: 'a', value: readJson(fixturePath('base.json')) }, { file: 'b', value });
    expect(diff.groups.map((group) => [group.module, group.impact, group.effects])).toEqual([['filter', 'recreate', ['recreate', 'stop-start']]]);
  });
});
