// Issue 10: every output goes through one formatter signature, looked up by kind and name; an
// unknown name is a usage error (it once fell back to stylish without a word), and every
// output but diff's (which masks as --show-secrets says) passes the last masking net.
import { describe, expect, it } from 'vitest';
import { runLint } from '../../src/cli/commands/lint.js';
import { InputError } from '../../src/errors.js';
import type { Finding } from '../../src/findings.js';
import { formatNames, loadFormatter, renderOutput, type OutputKind } from '../../src/report/formatters.js';

const KINDS: OutputKind[] = ['validate', 'lint', 'fix', 'diff', 'offline-plan', 'rules', 'rule-doc', 'templates', 'finding-lines', 'write-refusal'];

const leaking: Finding = {
  file: 'deployment.json',
  ruleId: 'plaintext-secret',
  severity: 'warning',
  message: 'env MY_CONNECTION holds HostName=hub.azure-devices.net;SharedAccessKeyName=owner;SharedAccessKey=c2VjcmV0c2VjcmV0c2VjcmV0',
  pointer: '/modulesContent',
  line: 1,
  column: 1,
};

function context(findings: Finding[]) {
  return { findings, files: 1, checkedFiles: ['deployment.json'], rules: [], fingerprint: () => 'fp', baseFolder: '/work', toolVersion: 'test' };
}

describe('the formatter lookup', () => {
  it.each(KINDS)('loads every format of %s, each under its own name', async (kind) => {
    const names = formatNames(kind);
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect((await loadFormatter(kind, name)).name).toBe(name);
  });

  it.each(KINDS)('refuses a format %s does not have, as a usage error', async (kind) => {
    for (const name of ['yaml', '__proto__', 'constructor', 'toString', '']) {
      const loading = loadFormatter(kind, name);
      await expect(loading).rejects.toBeInstanceOf(InputError);
      await expect(loading).rejects.toMatchObject({ code: 'unknown-format', message: expect.stringContaining(`use one of ${formatNames(kind).join(', ')}`) });
    }
  });

  it('lint refuses an unknown format before it reads a file', async () => {
    await expect(runLint(['no/such/folder'], { reports: [{ format: 'stylish' }, { format: 'checkstyle' }], color: false, toolVersion: 'test' })).rejects.toThrow(/unknown format "checkstyle"/);
  });

  it.each(formatNames('lint'))('masks what the text shows to be secret in the %s report', async (name) => {
    const text = await renderOutput('lint', name, context([leaking]), { color: false });
    expect(text).toContain('SharedAccessKey=');
    expect(text).not.toContain('c2VjcmV0c2VjcmV0c2VjcmV0');
  });
});
