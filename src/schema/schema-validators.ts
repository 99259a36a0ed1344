// Runs the precompiled validators. The fast set (first error only) decides valid/invalid;
// the detailed set (all errors, verbose) is imported only for invalid documents.
import type { PendingFinding } from '../findings.js';
import { describeSchemaError, type DescribeContext } from './describe-schema-error.js';
import { loadFastValidators, type ValidatorName, type ValidatorSet } from './load-fast-validators.js';
import { selectUsefulErrors } from './select-schema-errors.js';

export type { ValidatorName };

let fastValidators: ValidatorSet | undefined;
let detailed: Promise<ValidatorSet> | undefined;

function loadDetailed(): Promise<ValidatorSet> {
  detailed ??= import('./compiled/detailed.js');
  return detailed;
}

export async function schemaFindings(name: ValidatorName, value: unknown, context: DescribeContext): Promise<PendingFinding[]> {
  fastValidators ??= loadFastValidators();
  if (fastValidators[name](value)) return [];
  const validator = (await loadDetailed())[name];
  validator(value);
  const findings: PendingFinding[] = [];
  for (const error of selectUsefulErrors(validator.errors ?? [])) {
    const finding = describeSchemaError(error, context);
    if (finding) findings.push(finding);
  }
  return findings;
}
