// The merge rules of merge-layers.ts, one by one. docs-*.json follow the examples of MS Learn
// (how-to-deploy-cli-at-scale, module-deployment-monitoring "Module twin configuration").
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mergeLayers, type LayerInput } from '../../src/merge/merge-layers.js';
import { MERGE_FIXTURES, readJson } from '../diff/diff-fixtures.js';

const load = (name: string): { file: string; value: unknown } => ({ file: name, value: readJson(join(MERGE_FIXTURES, name)) });
const layer = (name: string, priority: number): LayerInput => ({ ...load(name), priority });

type Content = { content: { modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }> } };
type Plain = { modulesContent: Record<string, { 'properties.desired': Record<string, unknown> }> };
const desiredOf = (value: unknown, twin: string): Record<string, unknown> => {
  const content = (value as Partial<Content>).content?.modulesContent ?? (value as Plain).modulesContent;
  return content[twin]!['properties.desired'];
};

describe('merge rules', () => {
  it('"properties.desired.layeredProperties" adds to the module twin (the docs example)', () => {
    const merged = mergeLayers(load('docs-base.json'), [layer('docs-layer-append.json', 10)]);
    expect(desiredOf(merged.value, 'SimulatedTemperatureSensor')).toEqual({ SendData: true, SendInterval: 5, layeredProperties: { StopAfterCount: 1000 } });
  });

  it('"properties.desired" on a module twin overwrites it', () => {
    const merged = mergeLayers(load('docs-base.json'), [layer('docs-layer-append.json', 10), layer('docs-layer-overwrite.json', 20)]);
    expect(desiredOf(merged.value, 'SimulatedTemperatureSensor')).toEqual({ SendData: false });
  });

  it('layers apply by priority, not by the order given: the higher one wins a module or route of the same name', () => {
    for (const layers of [[layer('layer-alerts-v1.json', 10), layer('layer-alerts-v2.json', 20)], [layer('layer-alerts-v2.json', 20), layer('layer-alerts-v1.json', 10)]]) {
      const merged = mergeLayers(load('docs-base.json'), layers);
      const agent = desiredOf(merged.value, '$edgeAgent') as { modules: Record<string, { settings: { image: string }; env?: unknown }>; runtime: { settings: { registryCredentials: object } } };
      expect(agent.modules.alerts!.settings.image).toBe('contoso.azurecr.io/alerts:2.0.0');
      expect(agent.modules.alerts!.env).toBeUndefined(); // replaced whole, not merged
      expect(Object.keys(agent.modules)).toEqual(['SimulatedTemperatureSensor', 'alerts']);
      expect(agent.runtime.settings.registryCredentials).toHaveProperty('contoso');
      expect(desiredOf(merged.value, '$edgeHub').routes).toEqual({
        upstream: 'FROM /messages/* INTO $upstream',
        alertsToUpstream: { route: 'FROM /messages/modules/alerts/outputs/alarms INTO $upstream', priority: 1, timeToLiveSecs: 3600 },
      });
      expect(desiredOf(merged.value, 'alerts')).toEqual({ threshold: 30, channels: { email: true, sms: true } });
    }
    const reversed = mergeLayers(load('docs-base.json'), [layer('layer-alerts-v1.json', 20), layer('layer-alerts-v2.json', 10)]);
    expect((desiredOf(reversed.value, '$edgeAgent') as { modules: Record<string, { settings: { image: string } }> }).modules.alerts!.settings.image).toBe('contoso.azurecr.io/alerts:1.0.0');
  });

  it('keeps the base wrapper and writes the result in full form', () => {
    const merged = mergeLayers(load('docs-base.json'), [layer('layer-alerts-v1.json', 10)]);
    const agent = (merged.value as Content).content.modulesContent.$edgeAgent!;
    expect(Object.keys(agent)).toEqual(['properties.desired']);
  });

  it('equal priorities: applied in the order given, with a warning', () => {
    const merged = mergeLayers(load('docs-base.json'), [layer('layer-alerts-v2.json', 10), layer('layer-alerts-v1.json', 10)]);
    expect(merged.warnings).toEqual([expect.stringContaining('have the same priority 10')]);
    expect((desiredOf(merged.value, '$edgeAgent') as { modules: Record<string, { settings: { image: string } }> }).modules.alerts!.settings.image).toBe('contoso.azurecr.io/alerts:1.0.0');
  });

  it('refuses a layer with a system module, or with $edgeAgent "properties.desired" as a whole', () => {
    expect(() => mergeLayers(load('docs-base.json'), [layer('layer-system-module.json', 10)])).toThrow(/may not contain system modules/);
    expect(() => mergeLayers(load('docs-base.json'), [layer('layer-full-agent.json', 10)])).toThrow(/"properties.desired" as a whole/);
  });

  it('does not change its inputs', () => {
    const base = load('docs-base.json');
    const before = structuredClone(base.value);
    mergeLayers(base, [layer('layer-alerts-v1.json', 10)]);
    expect(base.value).toEqual(before);
  });
});
