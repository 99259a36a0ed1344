// A file's bytes as text, only when they are UTF-8. Decoding anything else turns each bad byte
// into U+FFFD without a word, and a command that writes the manifest back (lint --fix, convert,
// patch, merge, offline enable, gen) would then write U+FFFD in place of the user's bytes: a
// Latin-1 "ä", or a raw UTF-16 surrogate (ED A0 80), lost for good. JSON text exchanged between
// systems must be UTF-8 (RFC 8259, section 8.1), and YAML files are read as UTF-8 here.
import { isUtf8 } from 'node:buffer';

export type Utf8Text = { ok: true; text: string } | { ok: false; message: string };

/** `what`: how the message names the input (the file, stdin). */
export function utf8Text(bytes: Buffer, what = 'the file'): Utf8Text {
  if (isUtf8(bytes)) return { ok: true, text: bytes.toString('utf8') };
  const at = firstInvalidByte(bytes);
  let line = 1;
  for (let index = bytes.indexOf(10); index !== -1 && index < at; index = bytes.indexOf(10, index + 1)) line++;
  const byte = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return { ok: false, message: `${what} is not UTF-8: byte 0x${byte} on line ${line} (offset ${at}) is not part of a UTF-8 character; save it as UTF-8` };
}

/** Offset of the first byte the decoder replaces: where the decoded text holds a U+FFFD the bytes do not (EF BF BD). */
function firstInvalidByte(bytes: Buffer): number {
  const text = bytes.toString('utf8');
  let offset = 0;
  let from = 0;
  for (let index = text.indexOf('\uFFFD'); index !== -1; index = text.indexOf('\uFFFD', index + 1)) {
    offset += Buffer.byteLength(text.slice(from, index));
    from = index + 1;
    if (bytes[offset] !== 0xef || bytes[offset + 1] !== 0xbf || bytes[offset + 2] !== 0xbd) return offset;
    offset += 3;
  }
  return offset;
}
