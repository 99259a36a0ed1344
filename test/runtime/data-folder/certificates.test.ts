// The emulator's CA and server certificate, made with the openssl CLI: openssl itself verifies the
// chain, the SANs name the address and host names, and a second call reuses the files.
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureCertificates } from '../../../src/runtime/data-folder/certificates.js';

const folders: string[] = [];
function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-certs-'));
  folders.push(folder);
  return folder;
}

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

describe('ensureCertificates', () => {
  it('makes a CA and a server certificate that openssl verifies against it', () => {
    const made = ensureCertificates(scratch(), { address: '127.0.0.1', names: ['localhost', 'local-hub'] });
    const verdict = execFileSync('openssl', ['verify', '-CAfile', made.caFile, made.certFile], { encoding: 'utf8' });
    expect(verdict.trim()).toBe(`${made.certFile}: OK`);
    expect(execFileSync('openssl', ['verify', '-CAfile', made.caFile, '-purpose', 'sslserver', made.certFile], { encoding: 'utf8' })).toContain('OK');
  });

  it('names every host name as DNS and the address as IP', () => {
    const made = ensureCertificates(scratch(), { address: '127.0.0.2', names: ['localhost', 'local-hub'] });
    const cert = new X509Certificate(made.cert);
    expect(cert.subjectAltName?.split(', ').sort()).toEqual(['DNS:local-hub', 'DNS:localhost', 'IP Address:127.0.0.2']);
    expect(cert.checkIP('127.0.0.2')).toBe('127.0.0.2');
    expect(new X509Certificate(made.ca).ca).toBe(true);
    expect(cert.ca).toBe(false);
  });

  it('keeps the private keys readable by their owner only', () => {
    const folder = scratch();
    const made = ensureCertificates(folder, { address: '127.0.0.1', names: ['localhost'] });
    expect(statSync(made.keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(folder, 'ca-key.pem')).mode & 0o777).toBe(0o600);
  });

  it('reuses the files on a second call', () => {
    const folder = scratch();
    const first = ensureCertificates(folder, { address: '127.0.0.1', names: ['localhost'] });
    const again = ensureCertificates(folder, { address: '127.0.0.1', names: ['localhost'] });
    expect(again).toEqual(first);
  });

  it('keeps the CA but makes a new server certificate when the address changes', () => {
    const folder = scratch();
    const first = ensureCertificates(folder, { address: '127.0.0.1', names: ['localhost'] });
    const moved = ensureCertificates(folder, { address: '127.0.0.3', names: ['localhost'] });
    expect(moved.ca).toBe(first.ca);
    expect(moved.cert).not.toBe(first.cert);
    expect(new X509Certificate(moved.cert).checkIP('127.0.0.3')).toBe('127.0.0.3');
    expect(execFileSync('openssl', ['verify', '-CAfile', moved.caFile, moved.certFile], { encoding: 'utf8' })).toContain('OK');
  });

  it('refuses a name that cannot go into a certificate, with one line', () => {
    expect(() => ensureCertificates(scratch(), { address: '127.0.0.1', names: ['bad name/with slash'] })).toThrow(/neither an IP address nor a host name/);
  });
});
