// A finding's identity for SARIF partialFingerprints: rule + pointer + the content at the
// pointer. Lines can move without changing it; editing the offending value changes it.
import { createHash } from 'node:crypto';
import type { Finding } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { valueAtPointer } from './value-at-pointer.js';

export function fingerprintOf(finding: Finding, manifest: NormalizedManifest | undefined): string {
  const content = manifest ? JSON.stringify(valueAtPointer(manifest, finding.pointer)) ?? 'undefined' : finding.message;
  return createHash('sha256').update(`${finding.ruleId}\u0000${finding.pointer}\u0000${content}`).digest('hex').slice(0, 32);
}
