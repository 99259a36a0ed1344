// Etags and If-Match as IoT Hub uses them (docs/research/iothub-facts.md §1, §5): the service SDK
// quotes every etag it sends, including the wildcard, so `"*"` means "any version" as `*` does.
import { randomInt } from 'node:crypto';
import { CloudError } from './cloud-error.js';

/** A device or module etag: base64 of a decimal number, the shape IoT Hub returns (e.g. `NzM0NTkyNTc=`). */
export function newIdentityEtag(): string {
  return Buffer.from(String(randomInt(1, 2 ** 47))).toString('base64');
}

/** A twin etag: base64 of an 8-byte big-endian counter, the shape IoT Hub returns (e.g. `AAAAAAAAAAc=`). */
export function twinEtag(counter: number): string {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(counter));
  return bytes.toString('base64');
}

/** True when an If-Match value (absent, `*`, `"*"`, quoted, weak or a list) allows writing over `etag`. */
export function ifMatchAllows(ifMatch: string | undefined, etag: string): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '') return true;
  return ifMatch.split(',').some((entry) => {
    const bare = entry.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
    return bare === '*' || bare === etag;
  });
}

/** Throws IoT Hub's 412 PreconditionFailed when If-Match does not allow the write. */
export function checkIfMatch(ifMatch: string | undefined, etag: string, what: string): void {
  if (!ifMatchAllows(ifMatch, etag)) throw CloudError.preconditionFailed(what, etag);
}
