// Who may read the status page and cut the upstream. The page listens on loopback, where every
// user of the machine can connect (unlike the hub's owner-only admin socket), so the page and its
// API need a per-run token: the address `edgewise run` prints carries it, the page keeps it in
// memory and sends it in a header. Another site open in the same browser cannot read the page
// (same-origin policy), so it never learns the token, and a cross-origin request with our header
// needs a CORS preflight we never answer: that is what stops a forged Cut (CSRF). The Host check
// turns away DNS-rebinding pages; the Origin check is one more fence for the one request that acts.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isIPv4 } from 'node:net';

export const TOKEN_HEADER = 'x-edgewise-token';

/** The hub's address when it is a loopback one (tests keep to their own block), else 127.0.0.1: the page never leaves the machine. */
export function statusPageAddress(hubAddress: string): string {
  return (isIPv4(hubAddress) && hubAddress.startsWith('127.')) || hubAddress === '::1' ? hubAddress : '127.0.0.1';
}

export function newPageToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Compares in constant time, so the token cannot be guessed a character at a time. */
export function tokenMatches(expected: string, given: string | string[] | null | undefined): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The Host values a browser sends for this page: its address or `localhost`, with its port. */
export function pageHosts(address: string, port: number): Set<string> {
  const host = address.includes(':') ? `[${address}]` : address;
  return new Set([`${host}:${port}`, `localhost:${port}`]);
}

export function hostAllowed(hosts: ReadonlySet<string>, given: string | undefined): boolean {
  return given !== undefined && hosts.has(given.toLowerCase());
}

/** A browser names the page that sent a POST; a tool without a browser sends none, and still needs the token. */
export function originAllowed(hosts: ReadonlySet<string>, given: string | undefined): boolean {
  if (given === undefined) return true;
  return [...hosts].some((host) => given.toLowerCase() === `http://${host}`);
}
