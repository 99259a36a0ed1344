// The patch keeps A's layout: flattened layered keys stay flattened, shadowed copies of a value
// are all removed, and the result always means B.
import { isDeepStrictEqual } from 'node:util';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyManifestPatch } from '../../src/diff/apply-manifest-patch.js';
import { readMeaning } from '../../src/diff/comparable-manifest.js';
import { isLayeredSection, removeDesiredPath, writeDesiredPath } from '../../src/diff/desired-locations.js';
import { rawPatch } from '../../src/diff/raw-patch.js';
import { desiredOfSection } from '../../src/merge/apply-twin-section.js';
import { CORPUS, readJson } from './diff-fixtures.js';

async function patchOf(a: unknown, b: unknown) {
  const [meaningA, meaningB] = [await readMeaning('a', a), await readMeaning('b', b)];
  const patch = await rawPatch({ file: 'a', value: a }, { file: 'b', value: b }, meaningA, meaningB);
  const result = applyManifestPatch(a, patch.operations, 'patch');
  expect(isDeepStrictEqual((await readMeaning('result', result)).model, meaningB.model)).toBe(true);
  return patch;
}

const LAYERED = readJson(join(CORPUS, 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json')) as {
  content: { modulesContent: Record<string, Record<string, unknown>> };
};

describe('the patch keeps the layout of A', () => {
  it('a layered deployment stays flattened', async () => {
    const b = structuredClone(LAYERED);
    const agent = b.content.modulesContent.$edgeAgent!;
    (agent['properties.desired.modules.mymodule0'] as { settings: { image: string } }).settings.image = 'myimageuri:2';
    agent['properties.desired.modules.extra'] = { type: 'docker', status: 'running', restartPolicy: 'always', version: '1.0', settings: { image: 'extra:1' } };
    const patch = await patchOf(LAYERED, b);
    expect(patch.operations.map((operation) => [operation.op, operation.path])).toEqual([
      ['replace', '/content/modulesContent/$edgeAgent/properties.desired.modules.mymodule0/settings/image'],
      ['add', '/content/modulesContent/$edgeAgent/properties.desired.modules.extra'],
    ]);
  });

  it('the same module written flattened or in full means the same: no operations', async () => {
    const b = structuredClone(LAYERED);
    const agent = b.content.modulesContent.$edgeAgent!;
    agent['properties.desired'] = { modules: { mymodule0: agent['properties.desired.modules.mymodule0'] } };
    delete agent['properties.desired.modules.mymodule0'];
    expect((await patchOf(LAYERED, b)).operations).toEqual([]);
  });

  it('a module added to a layered deployment whose only module is removed stays a flattened key', async () => {
    const b = structuredClone(LAYERED);
    const agent = b.content.modulesContent.$edgeAgent!;
    agent['properties.desired.modules.other'] = agent['properties.desired.modules.mymodule0'];
    delete agent['properties.desired.modules.mymodule0'];
    const patch = await patchOf(LAYERED, b);
    expect(Object.keys((patch.target as typeof LAYERED).content.modulesContent.$edgeAgent!)).toEqual(['properties.desired.modules.other']);
  });

  it('removing a value removes every copy of it, so a shadowed one does not come back', async () => {
    const a = { modulesContent: { sensor: { 'properties.desired': { interval: 1, mode: 'fast' }, 'properties.desired.interval': 2 } } };
    const b = { modulesContent: { sensor: { 'properties.desired': { mode: 'fast' } } } };
    const patch = await patchOf(a, b);
    expect(patch.fallback).toBe('none');
  });
});

describe('desired locations', () => {
  it('writes through the most specific key that covers the path', () => {
    const section: Record<string, unknown> = { 'properties.desired': { a: { b: 1 } }, 'properties.desired.a': { c: 2 } };
    writeDesiredPath(section, ['a', 'd'], 3, isLayeredSection(section));
    expect(section).toEqual({ 'properties.desired': { a: { b: 1 } }, 'properties.desired.a': { c: 2, d: 3 } });
    expect(desiredOfSection(section)).toEqual({ a: { c: 2, d: 3 } });
  });

  it('drops deeper keys that would override a written value', () => {
    const section: Record<string, unknown> = { 'properties.desired.a': { c: 2 }, 'properties.desired.a.c': 5 };
    writeDesiredPath(section, ['a'], { c: 9 }, true);
    expect(section).toEqual({ 'properties.desired.a': { c: 9 } });
  });

  it('adds a flattened key to a layered section, an object to a full one', () => {
    const layered: Record<string, unknown> = { 'properties.desired.x': 1 };
    writeDesiredPath(layered, ['routes', 'r'], 'FROM /messages/* INTO $upstream', isLayeredSection(layered));
    expect(layered).toEqual({ 'properties.desired.x': 1, 'properties.desired.routes.r': 'FROM /messages/* INTO $upstream' });
    const full: Record<string, unknown> = { 'properties.desired': { x: 1 } };
    writeDesiredPath(full, ['routes', 'r'], 'FROM /messages/* INTO $upstream', isLayeredSection(full));
    expect(full).toEqual({ 'properties.desired': { x: 1, routes: { r: 'FROM /messages/* INTO $upstream' } } });
  });

  it('removes a path wherever it is written', () => {
    const section: Record<string, unknown> = { 'properties.desired': { a: { b: 1, keep: true } }, 'properties.desired.a.b': 2, 'properties.desired.a.b.c': 3 };
    removeDesiredPath(section, ['a', 'b']);
    expect(section).toEqual({ 'properties.desired': { a: { keep: true } } });
  });
});
