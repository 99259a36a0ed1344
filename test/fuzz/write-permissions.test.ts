// Review of issue 16: writing whole (a temporary file renamed over the target) must not widen
// what a user may do. A file the user may not write (chmod 444) is refused, as writeFileSync
// refused it: the rename needs only the folder's permission, so `lint --fix ro.json` replaced a
// read-only manifest. And a new output made from one input is no more open than that input:
// `convert secret.json (0600) -o out.yaml` made out.yaml 0644, readable by everyone.
// Checked: as a normal user (uid 65534 through setpriv when the tests run as root), convert -o
// over a read-only file and lint --fix of a read-only manifest end with one line and exit 2, the
// file unchanged and no temporary file left; convert, offline enable -o, patch -o and merge -o
// give a new output their input's (base's) group and other bits; a report of several inputs gets
// the usual mode.
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BASE_MANIFEST, edgewise, ROOT, scratchFolder, type CliRun } from '../hardening/loader-cli.js';

const NOBODY = 65534;
const RUNS_AS_ROOT = process.getuid?.() === 0;
const DOCS_BASE = join(ROOT, 'test', 'fixtures', 'merge', 'docs-base.json');
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');
const EMPTY_PATCH = join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json');
const SET_PRIV = ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups'];

/** The built CLI as a normal user: itself when not root, else uid 65534 through setpriv. */
function edgewiseAsUser(args: readonly string[]): CliRun {
  if (!RUNS_AS_ROOT) return edgewise(args);
  const result = spawnSync('setpriv', [...SET_PRIV, process.execPath, join(ROOT, 'bin', 'edgewise.js'), ...args], {
    cwd: '/',
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', EDGEWISE_DEBUG: '' },
    timeout: 20_000,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Why the read-only cases cannot run here, or undefined when they can. */
function whyNoNormalUser(): string | undefined {
  if (!RUNS_AS_ROOT) return undefined;
  const probe = spawnSync('setpriv', [...SET_PRIV, process.execPath, join(ROOT, 'bin', 'edgewise.js'), '--version'], { cwd: '/', encoding: 'utf8' });
  return probe.status === 0 ? undefined : `running as root and setpriv cannot run the CLI as uid ${NOBODY} (${probe.error?.message ?? probe.stderr.trim()})`;
}
const NO_NORMAL_USER = whyNoNormalUser();
if (NO_NORMAL_USER) console.warn(`write permissions: read-only cases skipped: ${NO_NORMAL_USER}`);

/** Hands a path to the normal user the CLI runs as (a no-op when the tests are not root). */
function giveToUser(path: string): void {
  if (RUNS_AS_ROOT) chownSync(path, NOBODY, NOBODY);
}

/** docs-base with edgeHub on Mqtt and edgeAgent unset, so that lint --fix has a fix to write (upstream-protocol). */
function fixableManifest(): string {
  const manifest = JSON.parse(readFileSync(DOCS_BASE, 'utf8'));
  const desired = manifest.content.modulesContent.$edgeAgent['properties.desired'];
  delete desired.systemModules.edgeAgent.env?.UpstreamProtocol;
  desired.systemModules.edgeHub.env = { ...desired.systemModules.edgeHub.env, UpstreamProtocol: { value: 'Mqtt' } };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

let folder: string;
beforeEach(() => {
  folder = scratchFolder('write-permissions');
  chmodSync(folder, 0o755);
  giveToUser(folder); // the folder is the user's: only the file's own mode may refuse the write
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function expectRefusedUnchanged(run: CliRun, file: string, before: Buffer, message: RegExp): void {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(2);
  expect(run.stderr.trim().split('\n'), run.stderr).toHaveLength(1);
  expect(run.stderr.trim()).toMatch(message);
  expect(readFileSync(file).equals(before), 'the read-only file was changed').toBe(true);
  expect(statSync(file).mode & 0o777).toBe(0o444);
  expect(readdirSync(folder).filter((name) => name.endsWith('.tmp'))).toEqual([]);
}

describe.skipIf(NO_NORMAL_USER !== undefined)(`a file the user may not write is refused, as writeFileSync refused it (${RUNS_AS_ROOT ? `as uid ${NOBODY}` : 'as this user'})`, () => {
  it('convert -o over a read-only file: one line, exit 2, the file as it was', () => {
    const input = join(folder, 'deployment.json');
    copyFileSync(BASE_MANIFEST, input);
    const target = join(folder, 'read-only.yaml');
    writeFileSync(target, 'old: true\n');
    chmodSync(target, 0o444);
    for (const path of [input, target]) giveToUser(path);
    const run = edgewiseAsUser(['convert', input, '-o', target]);
    expectRefusedUnchanged(run, target, Buffer.from('old: true\n'), /^edgewise: cannot write .*read-only\.yaml \(EACCES\); check the path and the permissions of the file and of its folder$/);
  });

  it('lint --fix of a read-only manifest: one line, exit 2, the manifest as it was', () => {
    const manifest = join(folder, 'read-only.json');
    writeFileSync(manifest, fixableManifest());
    chmodSync(manifest, 0o444);
    giveToUser(manifest);
    const before = readFileSync(manifest);
    const run = edgewiseAsUser(['lint', '--fix', '--quiet', manifest]);
    expectRefusedUnchanged(run, manifest, before, /^edgewise: cannot write the fixes to .*read-only\.json \(EACCES\); check the permissions of the file and of its folder$/);
  });
});

describe('a new output takes its one input\'s group and other permission bits', () => {
  const WRITERS: { name: string; target: string; args: (input: string, target: string) => string[] }[] = [
    { name: 'convert -o', target: 'out.yaml', args: (input, target) => ['convert', input, '-o', target] },
    { name: 'offline enable -o', target: 'offline.json', args: (input, target) => ['offline', 'enable', input, '-o', target] },
    { name: 'patch -o', target: 'patched.json', args: (input, target) => ['patch', input, EMPTY_PATCH, '-o', target] },
    { name: 'merge -o (the base)', target: 'merged.json', args: (input, target) => ['merge', input, LAYERED, '--priority', '10', '-o', target] },
  ];

  it.each(WRITERS)('$name', ({ target, args }) => {
    const umask = process.umask();
    for (const mode of [0o600, 0o640]) {
      const input = join(folder, `secret-${mode.toString(8)}.json`);
      copyFileSync(BASE_MANIFEST, input);
      chmodSync(input, mode);
      const output = join(folder, `${mode.toString(8)}-${target}`);
      const run = edgewise(args(input, output));
      expect(run.code, run.stderr).toBe(0);
      expect((statSync(output).mode & 0o777).toString(8), `from an input of mode ${mode.toString(8)}`).toBe((mode & ~umask).toString(8));
    }
  });

  it('a report of several inputs (lint -o) gets the usual mode', () => {
    const input = join(folder, 'secret.json');
    copyFileSync(BASE_MANIFEST, input);
    chmodSync(input, 0o600);
    const report = join(folder, 'report.json');
    const run = edgewise(['lint', input, BASE_MANIFEST, '-f', 'json', '-o', report]);
    expect(run.code, run.stderr).toBe(0);
    expect(statSync(report).mode & 0o777).toBe(0o666 & ~process.umask());
  });
});
