// assignedSecrets scans `NAME=value` by hand for speed; it must find exactly what the pattern it
// replaced finds, on any text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignedSecrets, isSecretName } from '../../src/manifest/secret-names.js';

const PATTERN = /(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s;&,"'\\<>]+)/g;
const SIGNATURE_NAME = /^(sig|SharedAccessSignature)$/i;

function byPattern(text: string): { offset: number; value: string }[] {
  const found: { offset: number; value: string }[] = [];
  for (const match of text.matchAll(PATTERN)) {
    const [whole, name, value] = match as unknown as [string, string, string];
    if (isSecretName(name) || SIGNATURE_NAME.test(name)) found.push({ offset: match.index + whole.length - value.length, value });
  }
  return found;
}

/** Characters that matter to the pattern: name characters, its ends, white space of every kind, and `=`. */
const PIECES = ['=', '==', 'key', 'Key', 'AccountKey', 'Password', 'sig', 'PWD', 'A', 'b', '1', '_', '.', '-', ';', '&', ',', '"', "'", '\\', '<', '>', ' ', '\t', '\n', '\v', '\u00a0', '\u2028', '\u3000', '\ufeff', 'é', '+', '/', 'x'];

describe('assignedSecrets', () => {
  it('finds what the NAME=value pattern finds, on any text', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PIECES), { maxLength: 40 }), (pieces) => {
        const text = pieces.join('');
        expect(assignedSecrets(text)).toEqual(byPattern(text));
      }),
      { numRuns: 20_000 },
    );
  });

  it('finds connection-string keys, SAS signatures and Env secrets, values with `=` whole', () => {
    const text = 'HostName=h.azure-devices.net;SharedAccessKeyName=o;SharedAccessKey=abc==;x sig=Qx7%2F&se=1 DB_PASSWORD=a=b=c 1KEY=no';
    expect(assignedSecrets(text)).toEqual(byPattern(text));
    expect(assignedSecrets(text).map((found) => found.value)).toEqual(['abc==', 'Qx7%2F', 'a=b=c']);
  });

  it('stays linear on a long run of `=` after a name that cannot start one', () => {
    const text = '1' + '=1'.repeat(200_000);
    expect(assignedSecrets(text)).toEqual([]);
  });
});
