// The start-up bundle is the same CLI as the ES module build, built another way: every manifest
// command it serves prints the same bytes, to stdout and stderr, with the same exit code.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { edgewise, plainEnv, ROOT } from './startup-install.js';

const MIXED = 'test/fixtures/lint/mixed.json';
const UNBOUND = 'test/fixtures/lint/storage-unbound.json';

const INVOCATIONS: string[][] = [
  [],
  ['--version'],
  ['--help'],
  ['lint', '--help'],
  ['lint', MIXED],
  ['lint', MIXED, '-f', 'json'],
  ['lint', MIXED, '-f', 'sarif'],
  ['lint', MIXED, '-f', 'junit'],
  ['lint', MIXED, '-f', 'github'],
  ['lint', MIXED, '--quiet', '--max-warnings', '0'],
  ['lint', UNBOUND, '--fix-dry-run'],
  ['lint', 'templates'],
  ['lint', 'test/fixtures/lint/missing.json'],
  ['lint', MIXED, '--format', 'nope'],
  ['validate', 'test/fixtures/validate'],
  ['validate', 'test/fixtures/validate', '-f', 'json'],
  ['rules'],
  ['init', '--list'],
  ['init', '--template', 'offline', '-o', '-'],
  ['diff', 'test/fixtures/diff/base.json', 'test/fixtures/diff/changed.json'],
  ['convert', 'templates/offline.json', '--to', 'yaml'],
  ['offline', 'plan', 'templates/offline.json', '--rate', '10', '--size', '1KB'],
  ['gen', 'test/fixtures/generate/solution/deployment.template.json', '--env', 'test/fixtures/generate/solution/no-ttl.env', '-o', '-'],
  ['merge', 'test/fixtures/merge/docs-base.json', 'test/fixtures/merge/docs-layer-append.json', '--priority', '10'],
  ['patch', 'test/fixtures/diff/base.json', 'test/fixtures/diff/missing-path.patch.json'],
];

describe('start-up bundle parity', () => {
  it.each(INVOCATIONS.map((args) => [args.join(' ') || '(no arguments)', args]))('edgewise %s', (_name, args) => {
    const bundled = edgewise(ROOT, args as string[], plainEnv());
    const modules = edgewise(ROOT, args as string[], plainEnv({ EDGEWISE_NO_STARTUP_BUNDLE: '1' }));
    expect(bundled).toEqual(modules);
    expect(bundled.stdout + bundled.stderr).not.toBe('');
    expect(bundled.stderr).not.toMatch(/internal error|start-up bundle/);
  });

  it('reads stdin the same way', () => {
    const input = join(ROOT, MIXED);
    const run = (env: NodeJS.ProcessEnv) => edgewise(ROOT, ['lint', '-', '-f', 'json'], env, input);
    expect(run(plainEnv())).toEqual(run(plainEnv({ EDGEWISE_NO_STARTUP_BUNDLE: '1' })));
  });
});
