// The hooks in .pre-commit-hooks.yaml, run by the real pre-commit (Debian package `pre-commit`) as
// a user's repository runs them: a scratch git repository whose .pre-commit-config.yaml names a git
// copy of this checkout as its hook repository, and `git commit`s the hooks must block or let
// through. pre-commit before 4.6.1 installs a `language: node` hook repository with npm in three
// steps (pre_commit/languages/node.py): `npm install` in its clone, `npm pack`, whose stdout it takes
// as the tarball's name, and `npm install -g` of that tarball into the hook's environment; 4.6.1 and
// later run `npm install -g git+file://<clone>` instead.
//
// By default (CI-bounded, offline) the hook repository is this checkout's tree with its built dist/
// committed, no devDependencies and the runtime dependencies bundled into the tarball (the global
// install resolves ranges afresh, not from package-lock.json, so only bundling keeps it offline and
// pinned), and npm runs no scripts: no build, no native add-on compiles (ssh2, cpu-features), which
// the hooks never load. EDGEWISE_PRE_COMMIT_FULL=1 uses the tree exactly as a user's pre-commit gets
// it from git: the install also takes every devDependency and builds dist/ (npm install and npm pack
// each run `prepare`), and may use the registry for what npm's cache lacks.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, type TestContext } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const SOLUTION = join(ROOT, 'test', 'fixtures', 'generate', 'solution');
const FULL = process.env.EDGEWISE_PRE_COMMIT_FULL === '1';
/** Hang guards for one command, never speed claims. */
const INSTALL_DEADLINE_MS = FULL ? 900_000 : 240_000;
const COMMAND_DEADLINE_MS = 120_000;

interface Ran {
  status: number | null;
  stdout: string;
  /** stdout then stderr: pre-commit prints a hook's findings on stdout, its own errors on stderr. */
  output: string;
}

function missingTool(): string | undefined {
  const preCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' });
  if (preCommit.status !== 0) return 'the pre-commit tool is not installed (Debian: apt-get install -y pre-commit)';
  if (spawnSync('git', ['-C', ROOT, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' }).stdout.trim() !== 'true') return `${ROOT} is not a git checkout, so there is no tree to use as a hook repository`;
  return undefined;
}

const skipReason = missingTool();
if (skipReason !== undefined) console.warn(`pre-commit-hooks.test.ts skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)(`the pre-commit hooks, run by the real pre-commit${skipReason ? ` (skipped: ${skipReason})` : ''}`, () => {
  let work: string;
  let env: NodeJS.ProcessEnv;
  let project: string;
  let cacheMiss: string | undefined;

  function run(command: string, args: string[], cwd: string, deadlineMs = COMMAND_DEADLINE_MS): Ran {
    const ran = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: deadlineMs });
    const stdout = ran.stdout ?? '';
    return { status: ran.status, stdout, output: `${stdout}${ran.stderr ?? ''}${ran.error ? `\n${ran.error.message}` : ''}` };
  }

  function git(args: string[], cwd = project): string {
    const ran = run('git', args, cwd);
    expect(ran.status, `git ${args.join(' ')}: ${ran.output}`).toBe(0);
    return ran.stdout.trim();
  }

  const edgewise = (args: string[]): Ran => run(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], project);
  const commits = (): number => Number(git(['rev-list', '--count', 'HEAD']));

  function needsInstall(context: TestContext): void {
    if (cacheMiss !== undefined) context.skip(cacheMiss);
  }

  /** A git repository holding this checkout's working tree (tracked and untracked, not ignored), committed. */
  function hookRepository(): { repo: string; rev: string } {
    const repo = join(work, 'edgewise');
    const listed = run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], ROOT);
    expect(listed.status, listed.output).toBe(0);
    for (const file of listed.stdout.split('\0')) {
      const from = join(ROOT, file);
      if (file === '' || !existsSync(from)) continue; // a tracked file deleted in the working tree
      mkdirSync(dirname(join(repo, file)), { recursive: true });
      copyFileSync(from, join(repo, file));
    }
    git(['init', '-q'], repo);
    if (!FULL) {
      expect(existsSync(join(ROOT, 'dist', 'bin', 'main.js')), 'dist/ is built by `npm test` (node scripts/build.mjs) before vitest runs').toBe(true);
      cpSync(join(ROOT, 'dist'), join(repo, 'dist'), { recursive: true });
      const manifest = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies?: unknown; bundleDependencies?: string[] };
      delete manifest.devDependencies;
      manifest.bundleDependencies = Object.keys(manifest.dependencies);
      writeFileSync(join(repo, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
      git(['add', '--force', 'dist'], repo);
    }
    git(['add', '--all'], repo);
    git(['commit', '-q', '-m', 'edgewise as a pre-commit hook repository'], repo);
    return { repo, rev: git(['rev-parse', 'HEAD'], repo) };
  }

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'edgewise-pre-commit-'));
    const gitConfig = join(work, 'gitconfig');
    // Only the identity and defaults set here: a user's hooksPath or signing setup would change what is tested.
    writeFileSync(gitConfig, '[user]\n\tname = edgewise test\n\temail = test@edgewise.invalid\n[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n');
    // npm passes its settings to scripts (npm test) as npm_* variables; npm_config_local_prefix
    // would point pre-commit's npm at this repository. Git's variables would point git at another repository.
    const kept = /^npm_config_(cache|userconfig|registry)$/i;
    const inherited = Object.entries(process.env).filter(([name]) => (!/^npm_/i.test(name) || kept.test(name)) && !/^(GIT_|PRE_COMMIT|SKIP$)/.test(name));
    env = {
      ...Object.fromEntries(inherited),
      GIT_CONFIG_GLOBAL: gitConfig,
      GIT_CONFIG_NOSYSTEM: '1',
      PRE_COMMIT_HOME: join(work, 'pre-commit-home'),
      ...(FULL ? { npm_config_prefer_offline: 'true' } : { npm_config_offline: 'true', npm_config_ignore_scripts: 'true' }),
      npm_config_audit: 'false',
      npm_config_fund: 'false',
      npm_config_update_notifier: 'false',
      NO_COLOR: '1',
    };
    const { repo, rev } = hookRepository();

    project = join(work, 'project');
    mkdirSync(project);
    git(['init', '-q']);
    // The user's side, as the README shows it: the three hooks from this repository at a commit.
    writeFileSync(join(project, '.pre-commit-config.yaml'), `repos:\n  - repo: ${repo}\n    rev: ${rev}\n    hooks:\n      - id: edgewise-lint\n      - id: edgewise-validate\n      - id: edgewise-gen-check\n`);
    // An iotedgedev-shaped solution: the template, its .env and module.json files.
    copyFileSync(join(SOLUTION, 'filter-only.template.json'), join(project, 'deployment.template.json'));
    copyFileSync(join(SOLUTION, '.env'), join(project, '.env'));
    cpSync(join(SOLUTION, 'modules'), join(project, 'modules'), { recursive: true });
    const generated = edgewise(['gen']);
    expect(generated.status, generated.output).toBe(0);

    const installed = run('pre-commit', ['install'], project);
    expect(installed.status, installed.output).toBe(0);
    const started = performance.now();
    const hooks = run('pre-commit', ['install-hooks'], project, INSTALL_DEADLINE_MS);
    if (hooks.status !== 0 && /ENOTCACHED/.test(hooks.output)) {
      cacheMiss = `npm's cache lacks a package the hook repository needs (run \`npm ci\` first to fill it): ${hooks.output.split('\n').find((line) => line.includes('request to')) ?? 'ENOTCACHED'}`;
      console.warn(`pre-commit-hooks.test.ts skipped: ${cacheMiss}`);
      return;
    }
    expect(hooks.status, hooks.output).toBe(0);
    console.info(`pre-commit install-hooks (${FULL ? 'full: devDependencies and the build' : 'bounded: runtime dependencies, prebuilt dist/'}) took ${Math.round(performance.now() - started)} ms; 1-minute load ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]}`);
  }, INSTALL_DEADLINE_MS + 60_000);

  afterAll(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('lets a commit through when the manifests are clean and the generated manifest is current', (context) => {
    needsInstall(context);
    git(['add', '--all']);
    const commit = run('git', ['commit', '-m', 'a clean solution'], project);
    expect(commit.status, commit.output).toBe(0);
    expect(commit.output).toMatch(/edgewise lint\.+Passed/);
    expect(commit.output).toMatch(/edgewise validate\.+Passed/);
    expect(commit.output).toMatch(/edgewise gen --check\.+Passed/);
    expect(commits()).toBe(1);
  });

  it('blocks a commit that adds a manifest with errors, and prints the finding', (context) => {
    needsInstall(context);
    // The README's broken sample: restartPolicy "on-failured".
    copyFileSync(join(ROOT, 'test', 'fixtures', 'package', 'deployment.json'), join(project, 'deployment.broken.json'));
    git(['add', 'deployment.broken.json']);
    const commit = run('git', ['commit', '-m', 'a broken manifest'], project);
    expect(commit.status, commit.output).not.toBe(0);
    expect(commit.output).toMatch(/edgewise lint\.+Failed/);
    expect(commit.output).toMatch(/deployment\.broken\.json\n\s+\d+:\d+\s+error\s+`restartPolicy` must be one of[\s\S]*?"on-failured"/);
    expect(commit.output).toMatch(/edgewise validate\.+Failed/);
    expect(commits()).toBe(1);
    git(['rm', '-q', '--cached', 'deployment.broken.json']);
    unlinkSync(join(project, 'deployment.broken.json'));
  });

  it('blocks a template change committed without its regenerated manifest, and lets it through after edgewise gen', (context) => {
    needsInstall(context);
    const template = join(project, 'deployment.template.json');
    writeFileSync(template, readFileSync(template, 'utf8').replace('"minDockerVersion": "v1.25"', '"minDockerVersion": "v1.26"'));
    git(['add', 'deployment.template.json']);
    const stale = run('git', ['commit', '-m', 'the template alone'], project);
    expect(stale.status, stale.output).not.toBe(0);
    expect(stale.output).toMatch(/edgewise gen --check\.+Failed/);
    expect(stale.output).toContain('config/deployment.amd64.json is out of date with deployment.template.json: run edgewise gen\n');
    expect(commits()).toBe(1);

    const generated = edgewise(['gen']);
    expect(generated.status, generated.output).toBe(0);
    git(['add', 'config']);
    const commit = run('git', ['commit', '-m', 'the template and its manifest'], project);
    expect(commit.status, commit.output).toBe(0);
    expect(commits()).toBe(2);
  });
});

// The bounded run above runs no npm scripts, so this checks the one thing `prepare` changes for
// pre-commit before 4.6.1: npm 10.5 and later print a script's banner (and its output) on npm pack's
// stdout, which pre-commit then takes as the tarball's name (pre-commit/pre-commit#3259, #3460).
// The repository's .npmrc (foreground-scripts=false) keeps that stdout to the name alone.
describe('npm pack in the hook repository', () => {
  let folder: string | undefined;

  afterAll(() => {
    if (folder !== undefined) rmSync(folder, { recursive: true, force: true });
  });

  it('prints only the tarball name, even when `prepare` prints', () => {
    folder = mkdtempSync(join(tmpdir(), 'edgewise-npm-pack-'));
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; scripts: Record<string, string> };
    expect(manifest.scripts.prepare, 'package.json has a prepare script (the build); without one this check is moot').toBeDefined();
    // A stand-in for the build that prints, and leaves a mark to show it ran.
    manifest.scripts.prepare = 'node -e "require(\'node:fs\').writeFileSync(\'prepared\', \'\'); console.log(\'building\')"';
    writeFileSync(join(folder, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    if (existsSync(join(ROOT, '.npmrc'))) copyFileSync(join(ROOT, '.npmrc'), join(folder, '.npmrc'));
    const kept = /^npm_config_(cache|userconfig|registry)$/i;
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.test(name)));
    const pack = spawnSync('npm', ['pack'], { cwd: folder, env: { ...env, npm_config_offline: 'true', npm_config_update_notifier: 'false' }, encoding: 'utf8', timeout: COMMAND_DEADLINE_MS });
    expect(pack.status, pack.stderr).toBe(0);
    expect(existsSync(join(folder, 'prepared')), 'npm pack ran prepare').toBe(true);
    expect(pack.stdout, 'npm pack\'s stdout is what pre-commit < 4.6.1 installs: add foreground-scripts=false to the repository\'s .npmrc').toBe(`${manifest.name}-${manifest.version}.tgz\n`);
  });
});
