// base-rechunked.json means what base.json means: the filter module's createOptions are split
// into four 97-character chunks instead of two of 200, with their JSON keys in another order;
// a route is an object instead of a string; imagePullPolicy spells out its default; edgeAgent's
// empty createOptions is "" instead of "{}"; modules are listed in another order; 4-space indent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../src/diff/diff-manifests.js';
import { DIFF_FORMATS, runDiff } from '../../src/cli/commands/diff.js';
import { fixturePath, readJson } from './diff-fixtures.js';

const BASE = fixturePath('base.json');
const RECHUNKED = fixturePath('base-rechunked.json');

describe('createOptions chunked differently', () => {
  it('the fixtures really differ in their chunks', () => {
    const chunks = (file: string): string[] => {
      const value = readJson(file) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: Record<string, string> } } } } } };
      const settings = value.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings;
      return Object.keys(settings).filter((key) => key.startsWith('createOptions')).map((key) => settings[key]!);
    };
    expect(chunks(BASE)).toHaveLength(2);
    expect(chunks(RECHUNKED)).toHaveLength(4);
    expect(chunks(BASE).join('')).not.toBe(chunks(RECHUNKED).join(''));
    expect(readFileSync(BASE, 'utf8')).not.toBe(readFileSync(RECHUNKED, 'utf8'));
  });

  it('shows no difference', async () => {
    const diff = await diffManifests({ file: 'a', value: readJson(BASE) }, { file: 'b', value: readJson(RECHUNKED) });
    expect(diff.changes).toEqual([]);
    expect((await diff.patch()).operations).toEqual([]);
  });

  it.each(DIFF_FORMATS)('%s says so, and --exit-code exits 0', async (format) => {
    const result = await runDiff(BASE, RECHUNKED, { format, exitCode: true });
    expect(result.exitCode).toBe(0);
    if (format === 'text') expect(result.stdout).toContain('No differences in meaning (the files differ only in layout');
    if (format === 'json') expect(JSON.parse(result.stdout)).toMatchObject({ different: false, changes: [] });
    if (format === 'patch') expect(JSON.parse(result.stdout)).toEqual([]);
    if (format === 'markdown') expect(result.stdout).toContain('no differences in meaning');
  });

  it('a real change in the same createOptions is found, as one Binds entry', async () => {
    const changed = readJson(RECHUNKED) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: Record<string, string> } } } } } };
    const settings = changed.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings;
    const keys = Object.keys(settings).filter((key) => key.startsWith('createOptions')).sort();
    const options = JSON.parse(keys.map((key) => settings[key]).join('')) as { HostConfig: { Binds: string[] } };
    options.HostConfig.Binds.push('/srv/data:/data');
    for (const key of keys) delete settings[key];
    settings.createOptions = JSON.stringify(options);
    const diff = await diffManifests({ file: 'a', value: readJson(BASE) }, { file: 'b', value: changed });
    expect(diff.changes.map((change) => [change.pointer, change.kind, change.impact])).toEqual([['/modules/filter/createOptions/HostConfig/Binds', 'changed', 'recreate']]);
  });

  it('a patch for another change leaves the chunks as A wrote them', async () => {
    const changed = readJson(RECHUNKED) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: Record<string, string> } } } } } };
    changed.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings.image = 'contoso.azurecr.io/filter:1.1.0';
    const diff = await diffManifests({ file: 'a', value: readJson(BASE) }, { file: 'b', value: changed });
    expect((await diff.patch()).operations).toEqual([
      { op: 'replace', path: '/modulesContent/$edgeAgent/properties.desired/modules/filter/settings/image', value: 'contoso.azurecr.io/filter:1.1.0' },
    ]);
  });
});
