// A finding's identity for SARIF partialFingerprints: rule + pointer + the content at the
// pointer. Lines can move without changing it; editing the offending value changes it.
import { createHash } from 'node:crypto';
import type { Finding } from '../findings.js';
import { getAtPointer } from '../manifest/json-pointer.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';

function valueAt(manifest: NormalizedManifest | undefined, pointer: string): unknown {
  if (!manifest) return undefined;
  const options = manifest.createOptions.find((entry) => pointer.startsWith(entry.pointer + '/'));
  if (options?.form === 'string') return getAtPointer(options.value, pointer.slice(options.pointer.length));
  return getAtPointer(manifest.source.value, pointer);
}

export function fingerprintOf(finding: Finding, manifest: NormalizedManifest | undefined): string {
  const content = manifest ? JSON.stringify(valueAt(manifest, finding.pointer)) ?? 'undefined' : finding.message;
  return createHash('sha256').update(`${finding.ruleId}\u0000${finding.pointer}\u0000${content}`).digest('hex').slice(0, 32);
}
