// The hub's TLS material: an edge CA made in DIR on first start and a server certificate it signs
// for the gateway host name and the address (data-folder/certificates.ts makes and renews them in
// DIR/certs). Downstream clients trust DIR/edge-ca.pem (issue 12's contract), a copy of the CA
// kept beside hub.json, rewritten only when the CA changes.
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureCertificates } from '../data-folder/certificates.js';
import { readDataFile } from '../data-folder/data-folder-file.js';

export const EDGE_CA_FILE = 'edge-ca.pem';

export interface EdgeCertificates {
  /** DIR/edge-ca.pem: what clients trust. */
  caFile: string;
  ca: string;
  cert: string;
  key: string;
}

export function ensureEdgeCertificates(dataFolder: string, subjects: { address: string; names: string[] }): EdgeCertificates {
  const made = ensureCertificates(join(dataFolder, 'certs'), { ...subjects, caName: 'edgewise edge CA' });
  const caFile = join(dataFolder, EDGE_CA_FILE);
  if (readDataFile(caFile) !== made.ca) {
    const temporary = `${caFile}.${process.pid}.tmp`;
    writeFileSync(temporary, made.ca, { mode: 0o644 });
    renameSync(temporary, caFile);
  }
  return { caFile, ca: made.ca, cert: made.cert, key: made.key };
}
