// Groups findings by file, in the order files first appear. Each finding is appended once
// (never by copying the file's list), so grouping stays linear in the number of findings.
import type { Finding } from '../findings.js';

export function groupByFile<T extends Finding>(findings: readonly T[], files: readonly string[] = []): Map<string, T[]> {
  const byFile = new Map<string, T[]>();
  for (const file of files) byFile.set(file, []);
  for (const finding of findings) {
    const list = byFile.get(finding.file);
    if (list) list.push(finding);
    else byFile.set(finding.file, [finding]);
  }
  return byFile;
}
