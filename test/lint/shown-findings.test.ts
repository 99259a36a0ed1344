// lint drops the findings the caller will not show (--quiet, suppressions) before it places,
// words and masks them: what is left is exactly what filtering the full result gives, in the
// same order, at the same places.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSource, type FindingCandidate } from '../../src/lint/lint-source.js';
import { RULES } from '../../src/rules/index.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const FILES = ['lint/mixed.json', 'lint/storage-unbound.json', 'rules/create-options-docker/coerced-values.json', 'rules/host-devices/invalid-devices.json', 'rules/create-options-json/newtonsoft-only.json', 'rules/bind-path/invalid-binds.json', 'rules/plaintext-secret/literal-secrets.json'];

describe('lint with a shown predicate', () => {
  for (const name of FILES) {
    it(`gives the shown findings of ${name} as the full lint does`, async () => {
      const input = { file: name, text: readFileSync(join(FIXTURES, name), 'utf8') };
      const options = { rules: RULES, config: { rules: {} } };
      const full = await lintSource(input, options);
      expect(full.findings.length).toBeGreaterThan(1);
      const asked: FindingCandidate[] = [];
      // Keep every other finding by rule id, so both kept and dropped ones sit between each other.
      const ruleIds = [...new Set(full.findings.map((finding) => finding.ruleId))].sort();
      const kept = new Set(ruleIds.filter((_, index) => index % 2 === 0));
      const shown = await lintSource(input, { ...options, shown: (candidate) => (asked.push(candidate), kept.has(candidate.ruleId)) });
      expect(shown.findings).toEqual(full.findings.filter((finding) => kept.has(finding.ruleId)));
      // Every finding was asked about, with what suppressions and --quiet need.
      expect(asked.map(({ ruleId, severity, pointer }) => `${ruleId} ${severity} ${pointer}`).sort()).toEqual(full.findings.map(({ ruleId, severity, pointer }) => `${ruleId} ${severity} ${pointer}`).sort());
    });
  }
});
