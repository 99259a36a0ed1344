// SharedAccessSignature tokens as IoT Hub reads them (docs/FACTS.md §4; docs/research/iothub-facts.md §8):
// `SharedAccessSignature sr={URL-encoded resource}&sig={URL-encoded base64 HMAC}&se={expiry}[&skn={policy}]`,
// the HMAC-SHA256 taken with the base64-decoded key over `{sr as sent}\n{se}`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface SasToken {
  /** The resource URI exactly as sent (still URL-encoded): the signature covers these bytes. */
  sr: string;
  /** The base64 signature, URL-decoded. */
  sig: string;
  /** Expiry in seconds since the Unix epoch. */
  se: number;
  /** The shared access policy's name, for service tokens; device tokens have none. */
  skn?: string;
}

export type SasVerdict = 'ok' | 'malformed' | 'expired' | 'wrong-audience' | 'bad-signature';

const PREFIX = 'SharedAccessSignature ';

/** Reads a token; undefined when it is not one (no prefix, a missing or repeated field, a bad expiry). */
export function parseSasToken(text: string): SasToken | undefined {
  if (!text.startsWith(PREFIX)) return undefined;
  const fields = new Map<string, string>();
  for (const part of text.slice(PREFIX.length).split('&')) {
    const equals = part.indexOf('=');
    if (equals <= 0) return undefined;
    // Field names are matched case-insensitively, as the C# SDK's parser does (iothub-facts.md §8).
    const name = part.slice(0, equals).toLowerCase();
    if (fields.has(name)) return undefined;
    fields.set(name, part.slice(equals + 1));
  }
  const sr = fields.get('sr');
  const sig = decodeOnce(fields.get('sig'));
  const seText = fields.get('se');
  const skn = fields.has('skn') ? decodeOnce(fields.get('skn')) : undefined;
  if (!sr || !sig || !seText || !/^\d{1,15}$/.test(seText) || (fields.has('skn') && !skn)) return undefined;
  return { sr, sig, se: Number(seText), ...(skn ? { skn } : {}) };
}

/** Makes a token the way the Azure SDKs do: `sr` and `sig` URL-encoded strictly. */
export function signSasToken(resourceUri: string, base64Key: string, expiresAtSeconds: number, policyName?: string): string {
  const sr = encodeStrict(resourceUri);
  const se = Math.floor(expiresAtSeconds);
  const sig = encodeStrict(signature(sr, se, base64Key));
  return `${PREFIX}sr=${sr}&sig=${sig}&se=${se}${policyName === undefined ? '' : `&skn=${encodeStrict(policyName)}`}`;
}

/**
 * Checks a token against the audiences it may name and the keys it may be signed with.
 * The signature is compared in constant time; the audience case-insensitively after full
 * URL-decoding, because the edge hub encodes ids more than once (iothub-facts.md §4, §8).
 */
export function verifySasToken(text: string, options: { audiences: string[]; keys: string[]; nowSeconds: number; policyName?: string }): SasVerdict {
  const token = parseSasToken(text);
  if (!token) return 'malformed';
  if (options.policyName !== undefined && token.skn?.toLowerCase() !== options.policyName.toLowerCase()) return 'bad-signature';
  if (!options.keys.some((key) => signatureMatches(token, key))) return 'bad-signature';
  const audience = normalizeAudience(token.sr);
  if (!options.audiences.some((allowed) => normalizeAudience(allowed) === audience)) return 'wrong-audience';
  if (token.se <= options.nowSeconds) return 'expired';
  return 'ok';
}

function signature(sr: string, se: number, base64Key: string): string {
  return createHmac('sha256', Buffer.from(base64Key, 'base64')).update(`${sr}\n${se}`).digest('base64');
}

function signatureMatches(token: SasToken, base64Key: string): boolean {
  if (!base64Key) return false;
  const expected = Buffer.from(signature(token.sr, token.se, base64Key));
  const given = Buffer.from(token.sig);
  // timingSafeEqual needs equal lengths; a length difference says nothing about the key.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** Decodes until nothing changes (at most a few rounds), lowercases, and drops a trailing slash. */
function normalizeAudience(text: string): string {
  let current = text;
  for (let round = 0; round < 5; round += 1) {
    const decoded = decodeOnce(current);
    if (decoded === undefined || decoded === current) break;
    current = decoded;
  }
  return current.toLowerCase().replace(/\/+$/, '');
}

function decodeOnce(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** encodeURIComponent plus `!'()*`, as the SDKs' encodeUriComponentStrict (iothub-facts.md §8). */
function encodeStrict(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}
