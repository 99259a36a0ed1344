// No secret value appears in any format unless showSecrets. The fixtures hold secrets in every
// place edgewise knows: a registry password, a connection string env var, a twin property named
// like a key, a createOptions Env entry split across two chunks, a secret env var of an added and
// of a removed module, and a secret repeated in an ordinary twin property.
import { describe, expect, it } from 'vitest';
import { DIFF_FORMATS, runDiff } from '../../src/cli/commands/diff.js';
import { fixturePath } from './diff-fixtures.js';

const SECRETS = [
  'Pa55w0rd-Alpha-7781',
  'Pa55w0rd-Bravo-9913',
  'c2VjcmV0S2V5QWxwaGE=',
  'c2VjcmV0S2V5QnJhdm8=',
  'ak_live_alpha_0042',
  'ak_live_bravo_0043',
  'legacyTok-5566',
  'bravoSig123',
];
// The createOptions Env passwords are split across chunks: no half may show either.
const FRAGMENTS = ['dbAlpha', 'Secret99', 'dbBravo', 'Secret77'];

const A = fixturePath('secrets-a.json');
const B = fixturePath('secrets-b.json');

describe('secrets', () => {
  it.each(DIFF_FORMATS.flatMap((format) => [[format, false], [format, true]] as const))('%s (colour %s) shows no secret value', async (format, color) => {
    for (const [from, to] of [[A, B], [B, A]]) {
      const result = await runDiff(from!, to!, { format, color });
      const output = result.stdout + result.stderr;
      expect(result.stdout.length).toBeGreaterThan(100);
      for (const secret of [...SECRETS, ...FRAGMENTS]) expect(output).not.toContain(secret);
    }
  });

  it('says a changed password changed, without its value', async () => {
    const text = (await runDiff(A, B)).stdout;
    expect(text).toContain('registry contoso password (changed)');
    expect(text).toContain('env IOTHUB_CONNECTION_STRING (changed)');
    expect(text).toContain('twin /apiKey (changed)');
    expect(text).toContain('"rotate **** monthly"');
    const markdown = (await runDiff(A, B, { format: 'markdown' })).stdout;
    expect(markdown).toContain('`registry contoso password` changed (value hidden)');
    const json = JSON.parse((await runDiff(A, B, { format: 'json' })).stdout) as { changes: { pointer: string; old?: unknown; new?: unknown; secret?: boolean }[] };
    expect(json.changes.find((change) => change.pointer === '/registryCredentials/contoso/password')).toMatchObject({ old: '****', new: '****', secret: true });
  });

  it('warns that a masked patch writes "****"', async () => {
    const result = await runDiff(A, B, { format: 'patch' });
    expect(result.stdout).toContain('"****"');
    expect(result.stderr).toContain('--show-secrets');
  });

  it.each(DIFF_FORMATS)('%s shows the values with showSecrets', async (format) => {
    const result = await runDiff(A, B, { format, showSecrets: true });
    expect(result.stdout).toContain('Pa55w0rd-Bravo-9913');
    expect(result.stdout).toContain('ak_live_bravo_0043');
    expect(result.stderr).not.toContain('masked');
  });
});
