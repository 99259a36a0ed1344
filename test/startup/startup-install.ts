// A copy of the built CLI (bin/ and dist/bin/) in a temporary folder, so start-up tests can
// remove or damage its caches without touching the checkout's build; and a runner for it.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cacheKeyFor, type CacheKey } from '../../src/cli/startup-cache-file.js';

export const ROOT = join(import.meta.dirname, '..', '..');

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface Install {
  folder: string;
  binFolder: string;
  remove(): void;
}

export function copyInstall(): Install {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-startup-'));
  cpSync(join(ROOT, 'bin'), join(folder, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist', 'bin'), join(folder, 'dist', 'bin'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(folder, 'package.json'));
  for (const shared of ['node_modules', 'templates', 'schemas']) symlinkSync(join(ROOT, shared), join(folder, shared), 'junction');
  return { folder, binFolder: join(folder, 'dist', 'bin'), remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** The environment of a plain `edgewise` run: no inherited NODE_OPTIONS or edgewise settings. */
export function plainEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.NODE_OPTIONS;
  for (const name of Object.keys(env)) if (name.startsWith('EDGEWISE_')) delete env[name];
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  return env;
}

/** Runs the install in `folder`; `stdinFile` is fed to its stdin. */
export function edgewise(folder: string, args: string[], env: NodeJS.ProcessEnv, stdinFile?: string): Run {
  const input = stdinFile === undefined ? undefined : readFileSync(stdinFile);
  const result = spawnSync(process.execPath, [join(folder, 'bin', 'edgewise.js'), ...args], { cwd: ROOT, env, input, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function edgewiseAsync(folder: string, args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(folder, 'bin', 'edgewise.js'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The key a plain run of this install's bundle uses (no execArgv, no NODE_OPTIONS). */
export function plainKey(binFolder: string): CacheKey {
  const firstLine = readFileSync(join(binFolder, 'cli-script.js'), 'latin1').split('\n', 1)[0]!;
  const bundle = /^\/\/edgewise-bundle ([0-9a-f]{16})$/.exec(firstLine)![1]!;
  return cacheKeyFor(bundle, { version: process.version, arch: process.arch, execArgv: [] }, {});
}

export function filesIn(folder: string): string[] {
  try {
    return readdirSync(folder).sort();
  } catch {
    return [];
  }
}
