// The install path the README gives while edgewise is not on the registry: `npm pack`, then
// `npm install <tarball>` in the user's project, then `npx edgewise lint`, or `import … from
// "edgewise"` in the user's own scripts, JavaScript or type-checked TypeScript (issue 10), and
// the README's library example as written. Run without network:
// the scratch project gets a lockfile that pins edgewise's runtime dependencies as edgewise's own
// package-lock.json does, so npm takes their tarballs from its cache (filled by `npm ci`, which
// CI runs first). The test skips, saying why, only when that cache lacks a tarball.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, type TestContext } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const WINDOWS = process.platform === 'win32';

function run(command: 'npm' | 'npx' | 'node', args: string[], cwd: string): SpawnSyncReturns<string> {
  // npm passes its settings to scripts (npm test) as npm_* variables; npm_config_local_prefix
  // would make the npm under test install into this repository. Only where npm's cache and
  // registry are is kept.
  const kept = /^npm_config_(cache|userconfig|registry)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.test(name)));
  const executable = command === 'node' ? process.execPath : WINDOWS ? `${command}.cmd` : command;
  return spawnSync(executable, args, { cwd, encoding: 'utf8', shell: WINDOWS && command !== 'node', env: { ...env, NO_COLOR: '1', NO_UPDATE_NOTIFIER: '1' } });
}

interface LockEntry {
  dev?: boolean;
  [key: string]: unknown;
}

/** A package-lock.json for a project that depends on the tarball: edgewise's runtime dependencies, pinned. */
function scratchLockfile(): string {
  const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { lockfileVersion: number; packages: Record<string, LockEntry> };
  const packages: Record<string, LockEntry> = { '': { name: 'scratch', version: '1.0.0' } };
  for (const [path, entry] of Object.entries(lock.packages)) if (path !== '' && !entry.dev) packages[path] = entry;
  return `${JSON.stringify({ name: 'scratch', version: '1.0.0', lockfileVersion: lock.lockfileVersion, requires: true, packages }, null, 2)}\n`;
}

/** The eleven functions issue 10 names, as a user imports them. */
const API = ['loadManifest', 'normalizeManifest', 'validate', 'lint', 'diff', 'applyPatch', 'merge', 'generate', 'enableOffline', 'planOffline', 'compileRoute'];

/** The README's "Use as a library" example, as written there. */
function readmeExample(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Use as a library'));
  const example = /```js\n([\s\S]*?)```/.exec(section);
  expect(example, 'README.md has a "Use as a library" section with a ```js example').not.toBeNull();
  return example![1]!;
}

/** A TypeScript file that uses the library as its declarations say; `tsc` must accept it. */
const TYPED_USE = `import {
  applyPatch, compileRoute, diff, enableOffline, generate, InputError, isDeploymentManifest, lint, loadManifest, merge,
  normalizeManifest, planOffline, validate,
  type DeploymentManifest, type DiffReport, type Finding, type FindingsReport, type Module, type NormalizedManifest, type WriteRefusal,
} from 'edgewise';

const report: FindingsReport = await lint(['deployment.json'], { quiet: true });
const first: Finding | undefined = report.results[0];
const errors: number = report.summary.errors + (first?.line ?? 0);
const validated: FindingsReport = await validate(['deployment.json']);
const changes: DiffReport = await diff('deployment.json', 'deployment.broken.json');
const loaded = await loadManifest('deployment.json');
if (isDeploymentManifest(loaded.value)) {
  const manifest: DeploymentManifest = loaded.value;
  const modules: Record<string, Module> | undefined = manifest.modulesContent?.$edgeAgent?.['properties.desired']?.modules;
  console.log(Object.keys(modules ?? {}));
}
const model: NormalizedManifest = await normalizeManifest(JSON.parse('{}'), { flavour: 'manifest', file: 'twin.json' });
const twinChanges: DiffReport = await diff('deployment.json', { file: 'twin', value: loaded.value });
const patched = await applyPatch('deployment.json', 'change.json');
const refusal: WriteRefusal | undefined = patched.refusal;
const merged = await merge('deployment.json', [{ path: 'layer.json', priority: 10 }]);
const generated = await generate(['deployment.template.json'], { platform: 'arm64v8' });
const offline = await enableOffline('deployment.json', { ttl: 86400 });
const plan = await planOffline('deployment.json', { rate: 10, size: 512 });
const twinPlan = await planOffline({ file: 'twin', value: loaded.value }, { rate: 10, size: '4KB', disk: '8GB' });
const route = compileRoute('FROM /messages/* INTO $upstream');
const delivered: boolean = route.ok && route.route.delivers({ body: '{}' });
console.log(errors, validated.version, changes.different, twinChanges.changes.length, model.modules.length, twinPlan.file, refusal?.errors, merged.text, generated.outputs.length, offline.changed, plan.offlineBudgetSecs, delivered, new InputError('x').code);
// @ts-expect-error lint takes a list of paths, not one path
await lint('deployment.json');
// @ts-expect-error normalizeManifest takes a value and options, not a path
await normalizeManifest('deployment.json', 'manifest');
// @ts-expect-error a finding's line is a number
const line: string = report.results[0]!.line;
console.log(line);
`;

interface Installed {
  work: string;
  project: string;
  tarball: { filename: string; files: { path: string }[] };
}

describe('the npm pack tarball', () => {
  let installed: Installed | undefined;
  let skipped: string | undefined;

  beforeAll(() => {
    expect(existsSync(join(ROOT, 'dist', 'bin', 'main.js')), 'dist/ is built by `npm test` (node scripts/build.mjs) before vitest runs').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'edgewise-tarball-'));

    // --ignore-scripts: dist/ is already built; `prepare` would build it again.
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as Installed['tarball'][];

    const project = join(work, 'project');
    mkdirSync(project);
    // An ES module project, as a user who imports edgewise (ES modules only) has.
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`);
    writeFileSync(join(project, 'package-lock.json'), scratchLockfile());
    const install = run('npm', ['install', '--save-dev', '--offline', '--no-audit', '--no-fund', join(work, packed!.filename)], project);
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      skipped = `npm's cache lacks a runtime dependency of edgewise (run \`npm ci\` first to fill it): ${install.stderr.split('\n').find((line) => line.includes('request to')) ?? 'ENOTCACHED'}`;
      process.stderr.write(`tarball.test.ts skipped: ${skipped}\n`);
      return;
    }
    expect(install.status, install.stderr).toBe(0);
    // A clean manifest, and the README's sample: the minimal template plus a module and a route with four mistakes.
    copyFileSync(join(ROOT, 'templates', 'minimal.json'), join(project, 'deployment.json'));
    copyFileSync(join(ROOT, 'test', 'fixtures', 'package', 'deployment.json'), join(project, 'deployment.broken.json'));
    installed = { work, project, tarball: packed! };
  }, 180_000);

  function project(context: TestContext): Installed {
    if (skipped !== undefined) context.skip(skipped);
    return installed!;
  }

  it('holds what the installed CLI and library need, and nothing else', (context) => {
    const { tarball } = project(context);
    const files = tarball.files.map((file) => file.path);
    // What the installed CLI needs at run time, the library entry with its declarations, and the licence package.json names.
    expect(files).toEqual(expect.arrayContaining(['bin/edgewise.js', 'dist/bin/main.js', 'dist/index.js', 'dist/index.d.ts', 'LICENSE', 'README.md', 'package.json']));
    expect(files.some((file) => file.startsWith('schemas/'))).toBe(true);
    expect(files.some((file) => file.startsWith('templates/'))).toBe(true);
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('src/') || file.startsWith('node_modules/'))).toBe(false);
  });

  it('installs into a fresh project, offline, and `npx edgewise lint` runs from it', (context) => {
    const { project: cwd } = project(context);
    expect(JSON.parse(readFileSync(join(cwd, 'package.json'), 'utf8')).devDependencies.edgewise).toMatch(/^file:.*edgewise-0\.1\.0\.tgz$/);
    const clean = run('npx', ['--offline', 'edgewise', 'lint', 'deployment.json'], cwd);
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);

    const lint = run('npx', ['--offline', 'edgewise', 'lint', 'deployment.broken.json', '-f', 'json'], cwd);
    expect(lint.status, lint.stderr).toBe(1);
    const report = JSON.parse(lint.stdout) as { results: { ruleId: string; message: string }[] };
    expect(report.results).toContainEqual(expect.objectContaining({ ruleId: 'schema', message: expect.stringContaining('on-failured') }));
  });

  it('imports from a .mjs file: lint() and validate() give what --format json prints', (context) => {
    const { project: cwd } = project(context);
    writeFileSync(
      join(cwd, 'library.mjs'),
      `import * as edgewise from 'edgewise';
const [lint, validate] = await Promise.all([edgewise.lint(['deployment.broken.json']), edgewise.validate(['deployment.broken.json'])]);
process.stdout.write(JSON.stringify({ names: Object.keys(edgewise), lint, validate }));
`,
    );
    const library = run('node', ['library.mjs'], cwd);
    expect(library.status, library.stderr).toBe(0);
    expect(library.stderr).toBe('');
    const { names, lint, validate } = JSON.parse(library.stdout) as { names: string[]; lint: unknown; validate: unknown };
    expect(names).toEqual(expect.arrayContaining(API));
    const cli = (command: string): unknown => JSON.parse(run('npx', ['--offline', 'edgewise', command, 'deployment.broken.json', '-f', 'json'], cwd).stdout);
    expect(lint).toEqual(cli('lint'));
    expect(validate).toEqual(cli('validate'));
  });

  it('type-checks a .ts file that imports it, with the repository\'s TypeScript', (context) => {
    const { project: cwd } = project(context);
    writeFileSync(join(cwd, 'check.ts'), TYPED_USE);
    const compilerOptions = {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      // The declarations themselves are checked too, against the dependencies edgewise installed.
      skipLibCheck: false,
      types: ['node'],
      typeRoots: [join(ROOT, 'node_modules', '@types')],
    };
    writeFileSync(join(cwd, 'tsconfig.json'), `${JSON.stringify({ compilerOptions, files: ['check.ts'] }, null, 2)}\n`);
    const tsc = run('node', [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(cwd, 'tsconfig.json')], cwd);
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs the README\'s library example as written', (context) => {
    const { project: cwd } = project(context);
    writeFileSync(join(cwd, 'check.mjs'), readmeExample());
    const example = run('node', ['check.mjs', 'deployment.broken.json'], cwd);
    expect(example.stderr).toBe('');
    expect(example.status).toBe(1); // the sample has errors
    const lines = example.stdout.split('\n');
    expect(lines).toContain('deployment.broken.json:37:30  error  `restartPolicy` must be one of never, on-failure, on-unhealthy, always (got "on-failured")  schema');
    expect(lines).toContain('2 errors, 2 warnings in 1 file');
    expect(lines).toContain('modules: edgeAgent, edgeHub, tempSensor');
    expect(lines).toContain('the schema accepts it: false');
    expect(lines).toContain('35 °C goes upstream: true, 20 °C: false');
  });
});
