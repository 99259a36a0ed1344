// A run computes what a format shows and nothing more: fingerprints only for SARIF. Each format
// is rendered with a context whose fingerprint() fails, so a format that starts showing them
// must say so in formatNeeds (and then a run computes them).
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { formatNames, formatNeeds, renderOutput, type OutputKind } from '../../src/report/formatters.js';

const finding: Finding = { file: 'deployment.json', ruleId: 'image-tag', severity: 'warning', message: 'no tag', pointer: '/modulesContent', line: 1, column: 1 };

function context(fingerprints: boolean) {
  const fingerprint = (): string => {
    if (!fingerprints) throw new Error('a format that does not need fingerprints asked for one');
    return 'fp';
  };
  return { findings: [finding], files: 1, checkedFiles: ['deployment.json'], rules: [], fingerprint, baseFolder: '/work', toolVersion: 'test' };
}

describe('formatNeeds', () => {
  it('says only SARIF needs fingerprints', () => {
    expect(formatNames('lint').filter((name) => formatNeeds('lint', name).fingerprints)).toEqual(['sarif']);
    expect(formatNames('validate').filter((name) => formatNeeds('validate', name).fingerprints)).toEqual([]);
  });

  for (const kind of ['lint', 'validate'] as const satisfies OutputKind[]) {
    it.each(formatNames(kind))(`${kind} %s asks for fingerprints only if it says it needs them`, async (name) => {
      const text = await renderOutput(kind, name, context(formatNeeds(kind, name).fingerprints), { color: false });
      expect(text).toContain('no tag');
    });
  }

  it('SARIF shows them', async () => {
    expect(await renderOutput('lint', 'sarif', context(true), { color: false })).toContain('"edgewise/v1": "fp"');
  });
});
