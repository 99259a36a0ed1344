// Shared by the loader hardening tests: the built CLI as a child process, a scratch folder, and
// the manifest every case starts from. The base is a real public manifest, the Azure IoT CLI
// extension's test deployment (Azure/azure-iot-cli-extension, azext_iot/tests/iothub/
// configurations/test_edge_deployment.json), copied into the corpus.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

export const ROOT = join(import.meta.dirname, '..', '..');
export const BASE_MANIFEST = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment.json');

export interface CliRun {
  code: number | null;
  /** Set when the run had to be killed: it hung. */
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A run that does not end within this is killed, so a hang fails the test instead of stalling the suite. */
const HANG_GUARD_MS = 20_000;

export function edgewise(args: readonly string[], options: { cwd?: string; input?: string | Buffer; env?: NodeJS.ProcessEnv } = {}): CliRun {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', EDGEWISE_DEBUG: '', ...options.env },
    timeout: HANG_GUARD_MS,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: result.status, signal: result.signal, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function scratchFolder(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `edgewise-${prefix}-`));
}

export function baseManifest(): Record<string, any> {
  return JSON.parse(readFileSync(BASE_MANIFEST, 'utf8')) as Record<string, any>;
}

/**
 * The run refused the user's input the documented way: it ended by itself with exit 1 or 2, said
 * what is wrong with the input, and showed no sign of a bug in edgewise.
 */
export function expectInputRefused(run: CliRun, message: RegExp, codes: readonly number[] = [1, 2]): void {
  const output = `${run.stdout}\n${run.stderr}`;
  expect(run.signal, output).toBeNull();
  expect(codes, output).toContain(run.code);
  expect(output).not.toMatch(/internal error|FATAL ERROR|Maximum call stack|out of memory/i);
  expect(output).toMatch(message);
}
