// Validates many inputs into one report. Folder members that are not manifests
// (package.json, module.json…) are skipped; files named on the command line never are. Each
// file lists at most FINDINGS_PER_RULE findings of a rule (findings-cap.ts).
import type { Finding } from '../findings.js';
import { isManifestCandidate } from '../manifest/manifest-shape.js';
import { readInput, type InputRef } from '../manifest/read-inputs.js';
import { capFindings } from '../findings-cap.js';
import { unreadableFinding } from './load-source.js';
import { validateSource, type ValidateOptions } from './validate-source.js';

export interface ValidationReport {
  files: number;
  findings: Finding[];
}

export async function validateInputs(refs: readonly InputRef[], options: ValidateOptions = {}): Promise<ValidationReport> {
  const report: ValidationReport = { files: 0, findings: [] };
  for (const ref of refs) {
    const read = readInput(ref);
    if (!read.ok) {
      report.files++;
      report.findings.push(unreadableFinding(ref.file, read.message));
      continue;
    }
    const result = await validateSource({ file: ref.file, text: read.text }, options);
    if (!ref.explicit && !isManifestCandidate(read.text, result.manifest)) continue;
    report.files++;
    // Capped per rule and file; a loop, since push(...) of 120,000 findings overflows the stack.
    for (const finding of capFindings(result.findings)) report.findings.push(finding);
  }
  return report;
}
