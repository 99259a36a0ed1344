// The install path the README gives while edgewise is not on the registry: `npm pack`, then
// `npm install <tarball>` in the user's project, then `npx edgewise lint`. Run without network:
// the scratch project gets a lockfile that pins edgewise's runtime dependencies as edgewise's own
// package-lock.json does, so npm takes their tarballs from its cache (filled by `npm ci`, which
// CI runs first). The test skips, saying why, only when that cache lacks a tarball.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const WINDOWS = process.platform === 'win32';

function run(command: 'npm' | 'npx', args: string[], cwd: string): SpawnSyncReturns<string> {
  // npm passes its settings to scripts (npm test) as npm_* variables; npm_config_local_prefix
  // would make the npm under test install into this repository. Only where npm's cache and
  // registry are is kept.
  const kept = /^npm_config_(cache|userconfig|registry)$/i;
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) || kept.test(name)));
  return spawnSync(WINDOWS ? `${command}.cmd` : command, args, { cwd, encoding: 'utf8', shell: WINDOWS, env: { ...env, NO_COLOR: '1', NO_UPDATE_NOTIFIER: '1' } });
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

describe('the npm pack tarball', () => {
  it('installs into a fresh project, offline, and `npx edgewise lint` runs from it', (context) => {
    expect(existsSync(join(ROOT, 'dist', 'bin', 'main.js')), 'dist/ is built by `npm test` (node scripts/build.mjs) before vitest runs').toBe(true);
    const work = mkdtempSync(join(tmpdir(), 'edgewise-tarball-'));

    // --ignore-scripts: dist/ is already built; `prepare` would build it again.
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], ROOT);
    expect(pack.status, pack.stderr).toBe(0);
    const [packed] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    const files = packed!.files.map((file) => file.path);
    // What the installed CLI needs at run time, and the licence package.json names.
    expect(files).toEqual(expect.arrayContaining(['bin/edgewise.js', 'dist/bin/main.js', 'LICENSE', 'README.md', 'package.json']));
    expect(files.some((file) => file.startsWith('schemas/'))).toBe(true);
    expect(files.some((file) => file.startsWith('templates/'))).toBe(true);
    expect(files.some((file) => file.startsWith('test/') || file.startsWith('src/') || file.startsWith('node_modules/'))).toBe(false);

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), `${JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }, null, 2)}\n`);
    writeFileSync(join(project, 'package-lock.json'), scratchLockfile());
    const install = run('npm', ['install', '--save-dev', '--offline', '--no-audit', '--no-fund', join(work, packed!.filename)], project);
    if (install.status !== 0 && /ENOTCACHED/.test(install.stderr)) {
      const reason = `npm's cache lacks a runtime dependency of edgewise (run \`npm ci\` first to fill it): ${install.stderr.split('\n').find((line) => line.includes('request to')) ?? 'ENOTCACHED'}`;
      process.stderr.write(`tarball.test.ts skipped: ${reason}\n`);
      context.skip(reason);
    }
    expect(install.status, install.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(project, 'package.json'), 'utf8')).devDependencies.edgewise).toMatch(/^file:.*edgewise-0\.1\.0\.tgz$/);

    // A clean manifest, and one with mistakes.
    copyFileSync(join(ROOT, 'templates', 'minimal.json'), join(project, 'deployment.json'));
    const clean = run('npx', ['--offline', 'edgewise', 'lint', 'deployment.json'], project);
    expect(clean.stderr).toBe('');
    expect(clean.status).toBe(0);

    // The README's sample: the minimal template plus a module and a route with four mistakes.
    copyFileSync(join(ROOT, 'test', 'fixtures', 'package', 'deployment.json'), join(project, 'deployment.broken.json'));
    const lint = run('npx', ['--offline', 'edgewise', 'lint', 'deployment.broken.json', '-f', 'json'], project);
    expect(lint.status, lint.stderr).toBe(1);
    const report = JSON.parse(lint.stdout) as { results: { ruleId: string; message: string }[] };
    expect(report.results).toContainEqual(expect.objectContaining({ ruleId: 'schema', message: expect.stringContaining('on-failured') }));
  }, 180_000);
});
