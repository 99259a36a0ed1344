// `edgewise … | head`: a reader that closes the pipe early must not turn into a stack trace
// (Node raises EPIPE as an unhandled 'error' event); the command stops with its own exit code.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');

function runWithClosedStdout(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the command has started, so its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('a closed stdout', () => {
  it('stops lint quietly with its exit code (1: the corpus has errors)', async () => {
    const result = await runWithClosedStdout(['lint', 'test/fixtures/corpus/wild', '--format', 'json']);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled|at /);
    expect(result.code).toBe(1);
  });
});
