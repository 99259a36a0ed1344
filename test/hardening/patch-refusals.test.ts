// Issue 9, item 3 (patch): a user's patch that cannot apply gets a message about that patch and
// exit 2, never "internal error". Before: a path naming __proto__ surfaced fast-json-patch's
// TypeError as an internal error; a move into its own child crashed with "Cannot set properties
// of undefined"; a `null` operation crashed the validator; and a path through a name every
// JavaScript object inherits (toString, valueOf) was taken for a key of the manifest.
// The manifest is MS Learn's layered-deployment base (test/fixtures/merge/docs-base.json).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPatch } from '../../src/cli/commands/patch.js';
import { InputError } from '../../src/errors.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BASE = join(ROOT, 'test', 'fixtures', 'merge', 'docs-base.json');
const patch = (name: string): string => join(ROOT, 'test', 'fixtures', 'hardening', 'patches', `${name}.json`);
const ROUTES = '/content/modulesContent/$edgeHub/properties.desired/routes';
const NOT_ALLOWED = '(JSON Patch RFC 6902 paths must not name __proto__, constructor or prototype here)';

function edgewise(args: string[]) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

async function refusal(name: string): Promise<string> {
  const run = runPatch(BASE, patch(name));
  await expect(run).rejects.toThrow(InputError);
  return run.then(
    () => '',
    (error: Error) => error.message,
  );
}

describe('patch paths that name __proto__, constructor or prototype', () => {
  it('refuses /__proto__ with a message about the path, not an internal error', async () => {
    expect(await refusal('proto-add')).toBe(
      `${patch('proto-add')}: operation 1 (add /__proto__/restartPolicy): patch path /__proto__/restartPolicy is not allowed: it names __proto__, which in JavaScript reaches the prototype shared by every object rather than a key of the manifest ${NOT_ALLOWED}. Remove the operation, or rename the property`,
    );
  });

  it('refuses constructor and prototype, in path and in from, for every operation', async () => {
    expect(await refusal('constructor-prototype-add')).toContain('patch path /content/constructor/prototype/restartPolicy is not allowed: it names constructor');
    expect(await refusal('prototype-replace')).toContain(`patch path ${ROUTES}/prototype is not allowed: it names prototype`);
    expect(await refusal('proto-copy-from')).toContain('patch path /__proto__ is not allowed');
    expect(await refusal('proto-test')).toContain('patch path /content/__proto__ is not allowed');
  });

  it('exits 2 from the CLI with the refusal', () => {
    const run = edgewise(['patch', BASE, patch('proto-add')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`edgewise: ${patch('proto-add')}: operation 1 (add /__proto__/restartPolicy): patch path /__proto__/restartPolicy is not allowed`);
    expect(run.stderr).not.toContain('internal error');
    expect(run.stdout).toBe('');
  });
});

describe('moves RFC 6902 does not allow', () => {
  it('refuses a move into its own child (section 4.4)', async () => {
    expect(await refusal('move-into-own-child')).toBe(
      `${patch('move-into-own-child')}: operation 1 (move /content/modulesContent/$edgeHub/properties.desired/old): moves /content/modulesContent/$edgeHub into its own child /content/modulesContent/$edgeHub/properties.desired/old, which RFC 6902 (section 4.4) does not allow. Copy the value there, then remove or replace /content/modulesContent/$edgeHub`,
    );
    expect(await refusal('move-whole-document-into-child')).toContain('moves the whole document into its own child /content/copy');
  });

  it('applies a move onto itself, which changes nothing', async () => {
    const result = await runPatch(BASE, patch('move-onto-itself'));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(readFileSync(BASE, 'utf8')));
  });

  it('exits 2 from the CLI, with no stack trace', () => {
    const run = edgewise(['patch', BASE, patch('move-into-own-child')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('which RFC 6902 (section 4.4) does not allow');
    expect(run.stderr).not.toContain('internal error');
  });
});

describe('names every JavaScript object inherits are not keys of the manifest', () => {
  it('refuses to remove or copy from a key the manifest does not have', async () => {
    expect(await refusal('remove-inherited-key')).toBe(
      `${patch('remove-inherited-key')}: operation 1 (remove ${ROUTES}/toString) does not apply: ${ROUTES} has no key "toString". Check that the patch was made for this manifest`,
    );
    expect(await refusal('copy-from-inherited-key')).toContain(`does not apply: ${ROUTES} has no key "valueOf"`);
  });

  it('adds a route named toString like any other', async () => {
    const result = await runPatch(BASE, patch('add-route-named-tostring'));
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).content.modulesContent.$edgeHub['properties.desired'].routes).toEqual({
      upstream: 'FROM /messages/* INTO $upstream',
      toString: 'FROM /messages/modules/SimulatedTemperatureSensor/* INTO $upstream',
    });
  });
});

describe('malformed operations', () => {
  it('names an operation that is not an object', async () => {
    expect(await refusal('operation-null')).toBe(
      `${patch('operation-null')}: operation 1 is not an object; each RFC 6902 operation is an object such as {"op": "remove", "path": "/modulesContent/…"}`,
    );
    expect(edgewise(['patch', BASE, patch('operation-null')]).stderr).not.toContain('internal error');
  });

  it('names an op that RFC 6902 does not have, even one the library would accept', async () => {
    expect(await refusal('op-inherited-name')).toBe(`${patch('op-inherited-name')}: operation 1 has "op": "toString"; RFC 6902 operations are add, remove, replace, move, copy, test`);
    expect(await refusal('op-library-internal')).toContain('operation 1 has "op": "_get"; RFC 6902 operations are');
    for (const name of ['op-inherited-name', 'op-library-internal']) {
      const run = edgewise(['patch', BASE, patch(name)]);
      expect(run.code).toBe(2);
      expect(run.stderr).not.toContain('internal error');
    }
  });

  it('names a from that is not a JSON Pointer', async () => {
    expect(await refusal('from-not-a-pointer')).toContain('operation 1 (copy /content/copy): content/modulesContent is not a JSON Pointer; RFC 6901 pointers are "" (the whole document) or start with "/"');
  });
});
