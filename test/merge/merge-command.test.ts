// `edgewise merge` and `edgewise diff` with layers: the command contract around merge-layers.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDiff } from '../../src/cli/commands/diff.js';
import { pairLayers } from '../../src/merge/layer-args.js';
import { runMerge } from '../../src/cli/commands/merge.js';
import { InputError } from '../../src/errors.js';
import { MERGE_FIXTURES } from '../diff/diff-fixtures.js';

const fixture = (name: string): string => join(MERGE_FIXTURES, name);
const BASE = fixture('docs-base.json');

describe('edgewise merge', () => {
  it('writes the effective manifest when it lints without errors', async () => {
    const result = await runMerge(BASE, [{ path: fixture('layer-alerts-v1.json'), priority: 10 }], { output: 'effective.json' });
    expect(result.exitCode).toBe(0);
    expect(result.files).toHaveLength(1);
    expect(result.files[0]!.text).toContain('"alertsToUpstream": "FROM /messages/modules/alerts/* INTO $upstream"');
  });

  it('refuses an effective manifest with lint errors and lists them', async () => {
    const result = await runMerge(BASE, [{ path: fixture('layer-broken-restart-policy.json'), priority: 10 }]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('edgewise merge: refused to write stdout');
    expect(result.stderr).toContain('on-failured');
  });

  it('refuses a layer holding the secret mask "****", naming where, before merging', async () => {
    // layer-masked-secrets.json is layer-alerts-v1.json as copied from masked output: the registry
    // password and the key inside a connection string are "****".
    const run = runMerge(BASE, [{ path: fixture('layer-masked-secrets.json'), priority: 10 }], { output: 'effective.json' });
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(
      `${fixture('layer-masked-secrets.json')}: /modulesContent/$edgeAgent/properties.desired.modules.alerts/env/SERVICEBUS_CONNECTION_STRING/value holds a masked secret (and 1 more value); "****" is how edgewise masks secrets`,
    );
  });

  it('warns about equal priorities on stderr', async () => {
    const result = await runMerge(BASE, [
      { path: fixture('layer-alerts-v1.json'), priority: 10 },
      { path: fixture('layer-alerts-v2.json'), priority: 10 },
    ]);
    expect(result.stderr).toContain('edgewise merge: warning:');
  });

  it('pairs layers with --priority values, one each', () => {
    expect(pairLayers(['a.json', 'b.json'], ['10', '20'])).toEqual([{ path: 'a.json', priority: 10 }, { path: 'b.json', priority: 20 }]);
    expect(() => pairLayers(['a.json', 'b.json'], ['10'])).toThrow(InputError);
    expect(() => pairLayers(['a.json'], ['high'])).toThrow(/not a whole number/);
  });
});

describe('edgewise diff with layers', () => {
  it('shows what adding a layer does', async () => {
    const result = await runDiff(BASE, BASE, { layersB: [{ path: fixture('layer-alerts-v1.json'), priority: 10 }] });
    expect(result.stdout).toContain(`→ ${BASE} + ${fixture('layer-alerts-v1.json')}@10`);
    expect(result.stdout).toContain('module alerts: create, twin patch only');
    expect(result.stdout).toContain('+ route alertsToUpstream added: "FROM /messages/modules/alerts/* INTO $upstream"');
    expect(result.stdout).toContain('registry credentials: no effect');
    expect(result.stdout).not.toContain('Zml4dHVyZS1yZWdpc3RyeQ-layer');
  });

  it('shows what raising a layer above another does', async () => {
    const result = await runDiff(BASE, BASE, {
      format: 'json',
      layersA: [{ path: fixture('layer-alerts-v1.json'), priority: 20 }, { path: fixture('layer-alerts-v2.json'), priority: 10 }],
      layersB: [{ path: fixture('layer-alerts-v1.json'), priority: 10 }, { path: fixture('layer-alerts-v2.json'), priority: 20 }],
    });
    const report = JSON.parse(result.stdout) as { changes: { pointer: string; new?: unknown }[] };
    expect(report.changes).toContainEqual(expect.objectContaining({ pointer: '/modules/alerts/image', new: 'contoso.azurecr.io/alerts:2.0.0' }));
  });
});
