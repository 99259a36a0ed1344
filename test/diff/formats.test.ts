// The report formats and the command contract of `edgewise diff`, on base.json → changed.json
// (fixtures/diff: image 1.0.3 → 1.1.0, env LOG_LEVEL changed and a token added, a Binds entry,
// a twin threshold, a module stopped, a module added, a route priority, the store-and-forward TTL
// and the registry password).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { fixturePath } from './diff-fixtures.js';

const BASE = fixturePath('base.json');
const CHANGED = fixturePath('changed.json');
const ESC = '\u001b[';

describe('text format', () => {
  it('groups changes by module, each headed by its impact', async () => {
    const text = (await runDiff(BASE, CHANGED)).stdout;
    expect(text).toContain('module filter: recreate, twin patch only');
    expect(text).toContain('~ image 1.0.3 → 1.1.0 (contoso.azurecr.io/filter)');
    expect(text).toContain('~ createOptions /HostConfig/Binds +"/srv/data:/data"');
    expect(text).toContain('~ env LOG_LEVEL "info" → "debug"');
    expect(text).toContain('~ twin /TemperatureThreshold 25 → 30');
    expect(text).toContain('module SimulatedTemperatureSensor: stop/start');
    expect(text).toContain('module alerts: create');
    expect(text).toContain('routes: routes reload');
    expect(text).toContain('~ route filterToUpstream priority 0 → 1');
    expect(text).toContain('store-and-forward: routes reload');
    expect(text).toContain('~ timeToLiveSecs 7200 → 86400');
    // Lines of one group stay together, under their heading.
    const filter = text.slice(text.indexOf('module filter:'), text.indexOf('module SimulatedTemperatureSensor:'));
    expect(filter.split('\n').filter((line) => line.startsWith('  '))).toHaveLength(5);
  });

  it('uses colour only when asked', async () => {
    expect((await runDiff(BASE, CHANGED)).stdout).not.toContain(ESC);
    expect((await runDiff(BASE, CHANGED, { color: true })).stdout).toContain(`${ESC}32m`);
  });
});

describe('json format', () => {
  it('lists each change with its pointer, kind, values and impact', async () => {
    const report = JSON.parse((await runDiff(BASE, CHANGED, { format: 'json' })).stdout) as { different: boolean; changes: object[]; groups: object[] };
    expect(report.different).toBe(true);
    expect(report.changes).toContainEqual({ pointer: '/modules/filter/image', kind: 'changed', section: 'module', module: 'filter', impact: 'recreate', old: 'contoso.azurecr.io/filter:1.0.3', new: 'contoso.azurecr.io/filter:1.1.0' });
    expect(report.changes).toContainEqual({ pointer: '/twins/filter/TemperatureThreshold', kind: 'changed', section: 'module', module: 'filter', impact: 'twin-patch', old: 25, new: 30 });
    expect(report.changes).toContainEqual({ pointer: '/storeAndForward/timeToLiveSecs', kind: 'changed', section: 'storeAndForward', impact: 'routes-reload', old: 7200, new: 86400 });
    expect(report.groups).toContainEqual({ section: 'module', module: 'filter', impact: 'recreate', effects: ['recreate', 'twin-patch'], changes: 5 });
  });
});

describe('markdown format', () => {
  it('starts with a table of impacts, then one section per group', async () => {
    const markdown = (await runDiff(BASE, CHANGED, { format: 'markdown' })).stdout;
    expect(markdown).toContain('| module `filter` | **recreate**, twin patch only | 5 |');
    expect(markdown).toContain('#### module `filter`: recreate, twin patch only');
    expect(markdown).toContain('- `image` `1.0.3` → `1.1.0` (`contoso.azurecr.io/filter`)');
    expect(markdown).not.toContain(ESC);
  });
});

describe('command contract', () => {
  it('--exit-code: 1 with differences; 0 without the option', async () => {
    expect((await runDiff(BASE, CHANGED, { exitCode: true })).exitCode).toBe(1);
    expect((await runDiff(BASE, CHANGED)).exitCode).toBe(0);
    expect((await runDiff(BASE, BASE, { exitCode: true })).exitCode).toBe(0);
  });

  it('usage errors throw InputError (exit 2)', async () => {
    await expect(runDiff(BASE, fixturePath('missing.json'))).rejects.toThrow(InputError);
    await expect(runDiff(BASE, fixturePath('not-json.json'))).rejects.toThrow(/not-json\.json:3:\d+: invalid JSON/);
    await expect(runDiff(BASE, CHANGED, { format: 'yaml' as never })).rejects.toThrow(/unknown format "yaml"/);
    await expect(runDiff(BASE, fixturePath('impact', 'create.patch.json'))).rejects.toThrow(/create\.patch\.json: not a deployment manifest/);
  });

  it('an empty file (git passes /dev/null for a new file) is an empty manifest', async () => {
    const result = await runDiff('/dev/null', BASE, { labelA: 'a/deployment.json', labelB: 'b/deployment.json' });
    expect(result.stdout).toContain('edgewise diff a/deployment.json → b/deployment.json');
    expect(result.stdout).toContain('module filter: create');
    const patch = JSON.parse((await runDiff('/dev/null', BASE, { format: 'patch', showSecrets: true })).stdout) as { op: string; path: string }[];
    expect(patch).toEqual([expect.objectContaining({ op: 'add', path: '' })]);
  });

  it('reads one side from stdin', async () => {
    const result = await runDiff('-', CHANGED, { readStdin: () => '{"modulesContent": {}}' });
    expect(result.stdout).toContain('edgewise diff <stdin> →');
  });
});
