// Runs the built CLI (bin/edgewise.js, as users run it) for the editor-schema tests.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '..', '..', '..');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function edgewise(args: readonly string[], cwd = ROOT): CliRun {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** What `edgewise schema ARGS` prints, parsed; fails loudly when the command does. */
export function printedSchema(args: readonly string[]): Record<string, unknown> {
  const run = edgewise(['schema', ...args]);
  if (run.code !== 0) throw new Error(`edgewise schema ${args.join(' ')} exited ${run.code}: ${run.stderr}`);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}
