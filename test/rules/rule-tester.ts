// One tester for every rule, in the manner of ESLint's RuleTester: valid fixtures must give no
// finding of the rule; invalid fixtures must give exactly the listed findings (message id,
// line, column); fixable rules must produce the expected output, which then lints clean for
// the rule and still validates.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixSource } from '../../src/lint/fix-source.js';
import { lintSource } from '../../src/lint/lint-source.js';
import { validateSource } from '../../src/validate/validate-source.js';
import type { Severity } from '../../src/findings.js';
import type { Flavour } from '../../src/manifest/detect-flavour.js';
import type { Rule } from '../../src/rules/rule.js';

export const RULE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'rules');

export interface ExpectedFinding {
  /** The rule's message id (what loading found is reported through the owning rule's messages too). */
  messageId: string;
  line: number;
  column: number;
  severity?: Severity;
  /** A part of the message, when the data matters. */
  messageIncludes?: string;
}

export interface ValidCase {
  /** Fixture path under test/fixtures/rules/<rule id>/. */
  file: string;
  /** As `--flavour`: overrides the decision by name and content. */
  flavour?: Flavour;
}

export interface InvalidCase {
  file: string;
  flavour?: Flavour;
  errors: ExpectedFinding[];
  /** Fixture with the expected text after --fix, for fixable rules. */
  output?: string;
}

function read(rule: Rule, file: string): { file: string; text: string } {
  const path = join(RULE_FIXTURES, rule.meta.id, file);
  return { file: path, text: readFileSync(path, 'utf8') };
}

/** The config a rule's cases run with: an opt-in rule is turned on at its default severity. */
function configFor(rule: Rule): { rules: Record<string, Severity> } {
  return { rules: rule.meta.optIn ? { [rule.meta.id]: rule.meta.defaultSeverity } : {} };
}

export async function lintWithRule(rule: Rule, input: { file: string; text: string }, flavour?: Flavour, config = configFor(rule)) {
  const linted = await lintSource(input, { rules: [rule], config, flavour });
  return { all: linted.findings, own: linted.findings.filter((finding) => finding.ruleId === rule.meta.id) };
}

export function testRule(rule: Rule, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  describe(`rule ${rule.meta.id}`, () => {
    it('has complete metadata', () => {
      expect(rule.meta.description.length).toBeGreaterThan(10);
      expect(rule.meta.docs.sources.length).toBeGreaterThan(0);
      expect(cases.invalid.length).toBeGreaterThan(0);
      if (rule.meta.fixable) expect(cases.invalid.some((c) => c.output)).toBe(true);
    });

    if (rule.meta.optIn) {
      it.each(cases.invalid.map((c) => [c.file, c] as const))('opt-in: %s gives nothing when the config does not turn the rule on', async (_name, testCase) => {
        const { own } = await lintWithRule(rule, read(rule, testCase.file), testCase.flavour, { rules: {} });
        expect(own.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
      });
    }

    it.each(cases.valid.map((c) => [c.file, c] as const))('valid: %s', async (_name, testCase) => {
      const { own } = await lintWithRule(rule, read(rule, testCase.file), testCase.flavour);
      expect(own.map((f) => `${f.line}:${f.column} ${f.message}`)).toEqual([]);
    });

    it.each(cases.invalid.map((c) => [c.file, c] as const))('invalid: %s', async (_name, testCase) => {
      const input = read(rule, testCase.file);
      const { own } = await lintWithRule(rule, input, testCase.flavour);
      const actual = own.map((f) => ({
        messageId: f.messageId,
        line: f.line,
        column: f.column,
        ...(testCase.errors.some((e) => e.severity) ? { severity: f.severity } : {}),
      }));
      const expected = testCase.errors.map(({ messageId, line, column, severity }) => ({ messageId, line, column, ...(severity ? { severity } : {}) }));
      expect(actual).toEqual(expected);
      testCase.errors.forEach((error, index) => {
        if (error.messageIncludes) expect(own[index]!.message).toContain(error.messageIncludes);
      });
      if (testCase.output) {
        const fixed = await fixSource(input, { rules: [rule], config: configFor(rule) });
        expect(fixed.text).toBe(read(rule, testCase.output).text);
        const relinted = await lintWithRule(rule, { file: input.file, text: fixed.text });
        expect(relinted.own.filter((f) => f.fix).map((f) => f.message)).toEqual([]);
        // The fixed text still validates: no error of another rule where loading looks.
        const validated = await validateSource({ file: input.file, text: fixed.text });
        expect(validated.findings.filter((f) => f.severity === 'error' && f.ruleId !== rule.meta.id).map((f) => f.message)).toEqual([]);
      }
    });
  });
}
