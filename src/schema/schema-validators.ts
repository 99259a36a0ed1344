// Runs the precompiled validators. The fast set (first error only) decides valid/invalid;
// the detailed set (all errors, verbose) is imported only for invalid documents, and there
// createOptions keys written in another case than Docker's are folded (fold-key-case.ts).
import type { PendingFinding } from '../findings.js';
import { describeKeyCase, describeSchemaError, type DescribeContext } from './describe-schema-error.js';
import { validateFoldingKeyCase } from './fold-key-case.js';
import { fastValidators, type ValidatorName, type ValidatorSet } from './load-fast-validators.js';
import { selectUsefulErrors } from './select-schema-errors.js';

export type { ValidatorName };

let detailed: Promise<ValidatorSet> | undefined;

function loadDetailed(): Promise<ValidatorSet> {
  detailed ??= import('./compiled/detailed.js');
  return detailed;
}

export async function schemaFindings(name: ValidatorName, value: unknown, context: DescribeContext): Promise<PendingFinding[]> {
  if (fastValidators()[name](value)) return [];
  const validator = (await loadDetailed())[name];
  // Keys Docker reads without regard to case are folded only inside createOptions.
  const inScope = name === 'validateCreateOptions' ? () => true : (pointer: string) => /\/createOptions\//.test(pointer);
  const { errors, renames } = validateFoldingKeyCase(validator, value, inScope);
  const findings: PendingFinding[] = renames.filter((rename) => !rename.quiet).map((rename) => describeKeyCase(rename, context));
  for (const error of selectUsefulErrors(errors)) {
    const finding = describeSchemaError(error, context);
    if (finding) findings.push(finding);
  }
  return findings;
}
