// A server's TLS material (the emulator's, the edge hub's): a CA of its own and a server certificate it signs, made with the
// openssl CLI (no hand-written X.509). Clients trust the CA file; the server certificate names the
// address and host names clients dial, as subjectAltName entries (TLS clients ignore the CN).
// Existing files are reused across restarts, so a CA that users trusted once stays valid; only a
// server certificate that no longer fits (other names, near expiry, another CA) is made again.
import { execFileSync } from 'node:child_process';
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { readDataFile } from './data-folder-file.js';

export interface CloudCertificates {
  caFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
  cert: string;
  key: string;
}

const CA_DAYS = 3650;
const SERVER_DAYS = 825;
/** A certificate this close to expiry is made again at the next start. */
const RENEW_BEFORE_MS = 30 * 24 * 3600 * 1000;
const HOST_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

export function ensureCertificates(folder: string, options: { address: string; names: string[]; caName?: string }): CloudCertificates {
  const subjects = subjectsOf(options);
  mkdirSync(folder, { recursive: true });
  const files = { caFile: join(folder, 'ca.pem'), caKeyFile: join(folder, 'ca-key.pem'), certFile: join(folder, 'server.pem'), keyFile: join(folder, 'server-key.pem') };
  if (!pairIsUsable(files.caFile, files.caKeyFile)) {
    makeInFolder(folder, (work) => makeCa(work, options.caName ?? 'edgewise local IoT Hub CA'), [
      ['ca-key.pem', files.caKeyFile],
      ['ca.pem', files.caFile],
    ]);
  }
  if (!serverFits(files, subjects)) {
    makeInFolder(folder, (work) => makeServer(work, files, subjects), [
      ['server-key.pem', files.keyFile],
      ['server.pem', files.certFile],
    ]);
  }
  return {
    caFile: files.caFile,
    certFile: files.certFile,
    keyFile: files.keyFile,
    ca: requiredDataFile(files.caFile),
    cert: requiredDataFile(files.certFile),
    key: requiredDataFile(files.keyFile),
  };
}

interface Subjects {
  dns: string[];
  ips: string[];
}

function subjectsOf(options: { address: string; names: string[] }): Subjects {
  const dns: string[] = [];
  const ips: string[] = [];
  for (const name of [options.address, ...options.names]) {
    if (isIP(name)) ips.push(name);
    else if (HOST_NAME.test(name) && name.length <= 253) dns.push(name);
    else throw new InputError(`"${name}" is neither an IP address nor a host name, so it cannot go into the server certificate.`, 'bad-certificate-name');
  }
  return { dns: [...new Set(dns)], ips: [...new Set(ips)] };
}

function pairIsUsable(certFile: string, keyFile: string): boolean {
  const cert = readCertificate(certFile);
  return cert !== undefined && keyMatches(cert, keyFile) && !expiresSoon(cert);
}

function serverFits(files: { caFile: string; certFile: string; keyFile: string }, subjects: Subjects): boolean {
  const ca = readCertificate(files.caFile);
  const cert = readCertificate(files.certFile);
  if (!ca || !cert || !keyMatches(cert, files.keyFile) || expiresSoon(cert)) return false;
  if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return false;
  return subjects.dns.every((name) => cert.checkHost(name, { subject: 'never' }) !== undefined) && subjects.ips.every((ip) => cert.checkIP(ip) !== undefined);
}

function readCertificate(file: string): X509Certificate | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return new X509Certificate(requiredDataFile(file));
  } catch {
    return undefined;
  }
}

function keyMatches(cert: X509Certificate, keyFile: string): boolean {
  if (!existsSync(keyFile)) return false;
  try {
    return cert.checkPrivateKey(createPrivateKey(requiredDataFile(keyFile)));
  } catch {
    return false;
  }
}

function expiresSoon(cert: X509Certificate): boolean {
  return Date.parse(cert.validTo) - Date.now() < RENEW_BEFORE_MS;
}

/** Makes files in a scratch folder beside the targets, then renames them in, so a crash never leaves half a pair. */
function makeInFolder(folder: string, make: (work: string) => void, moves: [string, string][]): void {
  const work = mkdtempSync(join(folder, '.making-'));
  try {
    make(work);
    for (const [name, target] of moves) renameSync(join(work, name), target);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function makeCa(work: string, caName: string): void {
  const config = join(work, 'openssl.cnf');
  writeFileSync(config, ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${caName}`, '[ca_ext]', 'basicConstraints = critical, CA:TRUE, pathlen:0', 'keyUsage = critical, keyCertSign, cRLSign', 'subjectKeyIdentifier = hash', ''].join('\n'));
  openssl('make the CA', ['req', '-x509', '-config', config, '-extensions', 'ca_ext', ...newKey(join(work, 'ca-key.pem')), '-days', String(CA_DAYS), '-set_serial', serial(), '-out', join(work, 'ca.pem')]);
  chmodSync(join(work, 'ca-key.pem'), 0o600);
}

function makeServer(work: string, ca: { caFile: string; caKeyFile: string }, subjects: Subjects): void {
  const config = join(work, 'openssl.cnf');
  const alt = [...subjects.dns.map((name, index) => `DNS.${index + 1} = ${name}`), ...subjects.ips.map((ip, index) => `IP.${index + 1} = ${ip}`)];
  const commonName = subjects.dns[0] ?? subjects.ips[0]!;
  writeFileSync(
    config,
    ['[req]', 'distinguished_name = dn', 'prompt = no', '[dn]', `CN = ${commonName}`, '[server_ext]', 'basicConstraints = critical, CA:FALSE', 'keyUsage = critical, digitalSignature', 'extendedKeyUsage = serverAuth', 'subjectKeyIdentifier = hash', 'authorityKeyIdentifier = keyid', 'subjectAltName = @alt', '[alt]', ...alt, ''].join('\n'),
  );
  const request = join(work, 'server.csr');
  openssl('make the server key', ['req', '-new', '-config', config, ...newKey(join(work, 'server-key.pem')), '-out', request]);
  chmodSync(join(work, 'server-key.pem'), 0o600);
  openssl('sign the server certificate', ['x509', '-req', '-in', request, '-CA', ca.caFile, '-CAkey', ca.caKeyFile, '-set_serial', serial(), '-days', String(SERVER_DAYS), '-extfile', config, '-extensions', 'server_ext', '-out', join(work, 'server.pem')]);
}

/** An unencrypted P-256 key: small, fast to make, accepted by Node's TLS and the SDKs. */
function newKey(keyFile: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', keyFile];
}

function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f; // a positive serial
  return `0x${bytes.toString('hex')}`;
}

function openssl(step: string, args: string[]): void {
  try {
    execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stderr?: Buffer };
    if (failure.code === 'ENOENT') throw new InputError('The openssl command was not found; install OpenSSL so edgewise can make its certificates.', 'openssl-missing');
    const detail = (failure.stderr?.toString() ?? '').split('\n').map((line) => line.trim()).filter(Boolean).pop() ?? failure.message;
    throw new InputError(`openssl could not ${step}: ${detail}`, 'openssl-failed');
  }
}

/** A file openssl has just written (or an earlier start did): unreadable now means the folder is damaged. */
function requiredDataFile(path: string): string {
  const text = readDataFile(path);
  if (text === undefined) throw new InputError(`cannot read ${path}; the data folder is damaged: delete its certs folder to make new certificates`, 'certificates-unreadable');
  return text;
}
