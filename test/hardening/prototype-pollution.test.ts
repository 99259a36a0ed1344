// Issue 9, "Prototype pollution": every command runs, in this process, on input whose keys name
// __proto__, constructor or prototype, and Object.prototype (and its friends) must be untouched
// afterwards. The base is the standard deployment from MS Learn's layered-deployment page
// (test/fixtures/merge/docs-base.json); layer-proto-twin.json is the layer from the issue, which
// used to write restartPolicy into Object.prototype through the merge's path setter, so that a
// real error of the base disappeared and six invented ones appeared.
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConvert } from '../../src/cli/commands/convert.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runPatch } from '../../src/cli/commands/patch.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { toRawEdits } from '../../src/lint/apply-fixes.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { removeAtPath, setAtPath, UnsafePathError } from '../../src/manifest/json-pointer.js';
import { normalizeManifest } from '../../src/manifest/normalize-manifest.js';
import { parseSource } from '../../src/manifest/parse-source.js';
import { EdgewiseError, InputError } from '../../src/errors.js';
import { applyTwinSection } from '../../src/merge/apply-twin-section.js';
import { mergeLayers } from '../../src/merge/merge-layers.js';
import { runMerge } from '../../src/cli/commands/merge.js';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import { runOfflinePlan } from '../../src/cli/commands/offline-plan.js';
import type { CommandResult } from '../../src/cli/command-result.js';
import { runValidate } from '../../src/cli/commands/validate.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'hardening');
const fixture = (name: string): string => join(FIXTURES, name);
const BASE = join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json');

/** The objects a polluting write can reach from a plain object or array. */
const GUARDED = { 'Object.prototype': Object.prototype, Object, 'Array.prototype': Array.prototype, 'Function.prototype': Function.prototype } as const;
const snapshot = (): Record<string, string[]> => Object.fromEntries(Object.entries(GUARDED).map(([name, target]) => [name, Reflect.ownKeys(target).map(String).sort()]));
const BEFORE = snapshot();

/** Removes whatever a failed case added, so one failure does not cascade into the next cases. */
function restore(): void {
  for (const [name, target] of Object.entries(GUARDED)) {
    for (const key of Reflect.ownKeys(target)) if (!BEFORE[name]!.includes(String(key))) delete (target as unknown as Record<PropertyKey, unknown>)[key];
  }
}

afterEach(restore);

function expectUntouched(): void {
  expect(snapshot()).toEqual(BEFORE);
  expect(({} as Record<string, unknown>).restartPolicy).toBeUndefined();
  expect(({} as Record<string, unknown>).Privileged).toBeUndefined();
  expect(({} as Record<string, unknown>).status).toBeUndefined();
}

/** Runs a command; a user's bad input may give exit 1 or 2 (an EdgewiseError), never an internal error. */
async function outcome(run: () => Promise<CommandResult>): Promise<{ exitCode: number; text: string }> {
  try {
    const result = await run();
    return { exitCode: result.exitCode, text: result.stdout + result.stderr + result.files.map((file) => file.text).join('') };
  } catch (error) {
    if (error instanceof EdgewiseError) return { exitCode: 2, text: error.message };
    throw error;
  }
}

function tempCopy(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'edgewise-proto-'));
  const path = join(dir, name);
  copyFileSync(fixture(name), path);
  return path;
}

const MANIFESTS = ['keys-proto.json', 'keys-proto.yaml', 'module-named-proto.json'];
const LAYERS = ['layer-proto-twin.json', 'layer-constructor-prototype.json'];


/** One test per command: it ends with a documented exit code, no internal error, and leaves the prototypes alone. */
function itRunsEach(commands: Record<string, () => Promise<CommandResult>>): void {
  for (const [command, run] of Object.entries(commands)) {
    it(command, async () => {
      const result = await outcome(run);
      expect([0, 1, 2]).toContain(result.exitCode);
      expect(result.text).not.toContain('internal error');
      expectUntouched();
    });
  }
}

describe('no command writes into Object.prototype', () => {
  for (const name of MANIFESTS) {
    describe(name, () => {
      const path = fixture(name);
      const commands: Record<string, () => Promise<CommandResult>> = {
        validate: () => runValidate([path], { format: 'stylish', color: false }),
        'lint (stylish, json, sarif)': () => runLint([path], { reports: [{ format: 'stylish' }, { format: 'json', output: 'x.json' }, { format: 'sarif', output: 'x.sarif' }], color: false, toolVersion: 'test' }),
        'lint --fix': () => runLint([tempCopy(name)], { reports: [{ format: 'stylish' }], fix: true, color: false, toolVersion: 'test' }),
        convert: () => runConvert(path, {}),
        'convert --create-options mapping': () => runConvert(path, { createOptions: 'mapping' }),
        'diff (text)': () => runDiff(BASE, path),
        'diff (json)': () => runDiff(path, BASE, { format: 'json' }),
        'diff (patch)': () => runDiff(BASE, path, { format: 'patch', showSecrets: true }),
        'diff (markdown)': () => runDiff(path, BASE, { format: 'markdown' }),
        patch: () => runPatch(path, fixture('patches/proto-add.json')),
        merge: () => runMerge(path, [{ path: fixture('layer-proto-twin.json'), priority: 10 }]),
        'merge as a layer': () => runMerge(BASE, [{ path, priority: 10 }]),
        'offline enable': () => runOfflineEnable(path, {}),
        'offline plan': () => runOfflinePlan(path, { rate: 10, size: 1024 }),
      };
      itRunsEach(commands);
    });
  }

  for (const name of LAYERS) {
    describe(name, () => {
      const path = fixture(name);
      const commands: Record<string, () => Promise<CommandResult>> = {
        merge: () => runMerge(BASE, [{ path, priority: 10 }]),
        'diff --layer': () => runDiff(BASE, BASE, { layersB: [{ path, priority: 10 }] }),
        diff: () => runDiff(BASE, path),
        validate: () => runValidate([path], { format: 'stylish', color: false }),
        // The twin-size rule folds a layer's flattened keys into one document to measure it.
        lint: () => runLint([path], { reports: [{ format: 'stylish' }], color: false, toolVersion: 'test' }),
        convert: () => runConvert(path, {}),
      };
      itRunsEach(commands);
    });
  }

  it('patch with /__proto__, /constructor/prototype and a move into its own child', async () => {
    for (const patch of ['patches/proto-add.json', 'patches/constructor-prototype-add.json', 'patches/move-into-own-child.json', 'patches/proto-copy-from.json', 'patches/proto-test.json']) {
      const result = await outcome(() => runPatch(BASE, fixture(patch)));
      expect(result.exitCode).toBe(2);
      expectUntouched();
    }
  });

  it('gen on a template whose keys and createOptions name __proto__ and constructor', async () => {
    const result = await outcome(() => runGen(['deployment.template.json'], { cwd: fixture('gen-proto'), environment: {}, output: '-' }));
    expect([0, 1]).toContain(result.exitCode);
    expectUntouched();
  });
});

describe('the merge of the issue', () => {
  it('refuses the layer, naming the key, instead of writing restartPolicy into every object', async () => {
    const run = runMerge(BASE, [{ path: fixture('layer-proto-twin.json'), priority: 10 }]);
    await expect(run).rejects.toThrow(InputError);
    await expect(run).rejects.toThrow(`${fixture('layer-proto-twin.json')}: modulesContent.x "properties.desired.__proto__.restartPolicy" names __proto__`);
    expectUntouched();
  });

  it('refuses constructor and prototype in a flattened key too', async () => {
    await expect(runMerge(BASE, [{ path: fixture('layer-constructor-prototype.json'), priority: 10 }])).rejects.toThrow(/"properties\.desired\.modules\.alerts\.constructor\.prototype\.restartPolicy" names constructor/);
    expectUntouched();
  });

  it('diff --layer refuses it too, instead of showing "twin added: {}"', async () => {
    const run = runDiff(BASE, BASE, { layersB: [{ path: fixture('layer-proto-twin.json'), priority: 10 }] });
    await expect(run).rejects.toThrow(/names __proto__/);
    expectUntouched();
  });

  it('keeps the base’s own errors when nothing is refused (the merge result is linted in a clean process state)', async () => {
    const result = await runMerge(BASE, [{ path: join(import.meta.dirname, '..', 'fixtures', 'merge', 'layer-alerts-v1.json'), priority: 10 }]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('restartPolicy');
  });
});

describe('keys named like prototype machinery are data', () => {
  it('convert keeps them through YAML and back', async () => {
    const yaml = await runConvert(fixture('keys-proto.json'), {});
    const dir = mkdtempSync(join(tmpdir(), 'edgewise-proto-'));
    writeFileSync(join(dir, 'keys.yaml'), yaml.stdout);
    const json = await runConvert(join(dir, 'keys.yaml'), {});
    expect(json.stdout).toBe(readFileSync(fixture('keys-proto.json'), 'utf8'));
    expectUntouched();
  });

  it('diff -f patch replaces the object holding such a key, so edgewise patch applies it and gives B', async () => {
    const diff = await runDiff(BASE, fixture('keys-proto.json'), { format: 'patch', showSecrets: true });
    expect(diff.stdout).not.toMatch(/"path": "[^"]*\/(__proto__|constructor|prototype)(\/|")/);
    const patchFile = join(mkdtempSync(join(tmpdir(), 'edgewise-proto-')), 'keys.patch.json');
    writeFileSync(patchFile, diff.stdout);
    const patched = await runPatch(BASE, patchFile);
    expect(patched.exitCode).toBe(0);
    expect(JSON.parse(patched.stdout)).toEqual(JSON.parse(readFileSync(fixture('keys-proto.json'), 'utf8')));
    expectUntouched();
  });
});

describe('lint fixes inside createOptions that hold such keys', () => {
  async function sensorOptions() {
    const parsed = await parseSource({ file: 'keys-proto.json', text: readFileSync(fixture('keys-proto.json'), 'utf8') });
    if (!parsed.ok) throw new Error('keys-proto.json must parse');
    const manifest = await normalizeManifest(parsed.source.value, { file: parsed.source.file });
    const options = manifest.createOptions.find((entry) => entry.settingsPointer.includes('SimulatedTemperatureSensor'))!;
    return { root: parsed.source.value, all: manifest.createOptions, options };
  }

  it('rewrites the options keeping "__proto__" keys as data', async () => {
    const { root, all, options } = await sensorOptions();
    const raw = toRawEdits([{ edits: [{ op: 'set', pointer: `${options.pointer}/HostConfig/Binds`, value: ['/srv/sensor:/data'] }] }], root, all);
    const chunk = raw.find((edit) => edit.op === 'set' && edit.path[edit.path.length - 1] === 'createOptions') as { value: string };
    expect(JSON.parse(chunk.value)).toEqual(
      JSON.parse('{"__proto__":{"restartPolicy":"always"},"HostConfig":{"__proto__":{"Privileged":true},"constructor":{"prototype":{"restartPolicy":"always"}},"Binds":["/srv/sensor:/data"]}}'),
    );
    expectUntouched();
  });

  it('refuses an edit whose path names __proto__', async () => {
    const { root, all, options } = await sensorOptions();
    expect(() => toRawEdits([{ edits: [{ op: 'set', pointer: `${options.pointer}/__proto__/restartPolicy`, value: 'never' }] }], root, all)).toThrow(UnsafePathError);
    expectUntouched();
  });
});

describe('the shared path setter', () => {
  it('refuses __proto__, constructor and prototype segments with UnsafePathError', () => {
    for (const segment of ['__proto__', 'constructor', 'prototype']) {
      expect(() => setAtPath({}, ['a', segment, 'restartPolicy'], 'always')).toThrow(UnsafePathError);
      expect(() => setAtPath({}, [segment], 'always')).toThrow(UnsafePathError);
      expect(() => removeAtPath({}, [segment, 'toString'])).toThrow(UnsafePathError);
    }
    expectUntouched();
  });

  it('writes by index into lists for pointers, and replaces lists for twin paths, which have no indexes', () => {
    const options = { HostConfig: { Binds: ['/a:/a'] } };
    setAtPath(options, ['HostConfig', 'Binds', '-'], '/b:/b');
    setAtPath(options, ['HostConfig', 'Binds', '0'], '/c:/c');
    expect(options).toEqual({ HostConfig: { Binds: ['/c:/c', '/b:/b'] } });
    removeAtPath(options, ['HostConfig', 'Binds', '0']);
    removeAtPath(options, ['HostConfig', 'Binds', 'x']);
    expect(options).toEqual({ HostConfig: { Binds: ['/b:/b'] } });
    expect(applyTwinSection({ list: [1, 2] }, { 'properties.desired.list.0': 'first' })).toEqual({ list: { 0: 'first' } });
  });

  it('never walks into an inherited property, even under a twin named like one', () => {
    const desired = applyTwinSection(undefined, { 'properties.desired.toString.x': 1, 'properties.desired.hasOwnProperty': 2 });
    expect(desired).toEqual({ toString: { x: 1 }, hasOwnProperty: 2 });
    expect(Object.prototype.hasOwnProperty.call(desired, 'toString')).toBe(true);
    expectUntouched();
  });

  it('keeps a twin named __proto__ an own entry of the merged modulesContent', () => {
    const base = JSON.parse(`{"modulesContent": {"$edgeAgent": {"properties.desired": {"schemaVersion": "1.1"}}, "__proto__": {"properties.desired": {"a": 1}}}}`) as unknown;
    const layer = JSON.parse(`{"modulesContent": {"__proto__": {"properties.desired.b": 2}}}`) as unknown;
    const merged = mergeLayers({ file: 'base.json', value: base }, [{ file: 'layer.json', value: layer, priority: 1 }]).value as { modulesContent: Record<string, unknown> };
    expect(Object.getPrototypeOf(merged.modulesContent)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(merged.modulesContent, '__proto__')?.value).toEqual({ 'properties.desired': { a: 1, b: 2 } });
    expectUntouched();
  });
});
