// Which invocations start from the bundle: the manifest commands; the runtime commands keep the
// ES module build (their code is not in the bundle).
import { describe, expect, it } from 'vitest';
import { runsFromStartupBundle } from '../../src/cli/startup-commands.js';

describe('start-up bundle commands', () => {
  it.each(['validate', 'lint', 'init', 'gen', 'offline', 'convert', 'diff', 'patch', 'merge', 'rules'])('runs %s from the bundle', (command) => {
    expect(runsFromStartupBundle([command, 'deployment.json'])).toBe(true);
  });

  it('runs help and version from the bundle', () => {
    for (const args of [[], ['--help'], ['-h'], ['--version'], ['-V']]) expect(runsFromStartupBundle(args)).toBe(true);
  });

  it.each(['run', 'logs', 'cloud', 'hub', 'demo', 'help', 'lnit', '--threads'])('leaves %s to the ES module build', (command) => {
    expect(runsFromStartupBundle([command])).toBe(false);
  });
});
