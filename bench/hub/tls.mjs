// A self-made CA and a server certificate for 127.0.0.1 (openssl), for the mosquitto listener:
// the publishers verify the server as they verify the hub, so both peers pay for the same TLS.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export function makeServerCertificates(folder, address = '127.0.0.1') {
  fs.mkdirSync(folder, { recursive: true });
  const file = (name) => path.join(folder, name);
  const openssl = (...args) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=bench-ca', '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${address}`, '-keyout', file('server.key'), '-out', file('server.csr'));
  fs.writeFileSync(file('server.ext'), `subjectAltName=IP:${address},DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  // mosquitto drops root on start when run as root; let its user read the key.
  for (const name of ['ca.pem', 'server.pem', 'server.key']) fs.chmodSync(file(name), 0o644);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}
