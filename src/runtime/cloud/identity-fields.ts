// Values of the identity registry that IoT Hub generates or restricts (docs/FACTS.md §1 "Ids";
// docs/research/iothub-facts.md §1 "Device identity"): id syntax, symmetric keys, generation ids,
// and the time IoT Hub writes for "never".
import { randomBytes, randomInt } from 'node:crypto';
import { CloudError } from './cloud-error.js';

/** What IoT Hub shows for a time that was never set. */
export const NEVER = '0001-01-01T00:00:00Z';

const ID = /^[A-Za-z0-9\-:.+%_#*?!(),=@;$']{1,128}$/;

/** Device and module ids: case-sensitive, ≤ 128 ASCII alphanumerics or `- : . + % _ # * ? ! ( ) , = @ ; $ '`. */
export function checkId(kind: 'device' | 'module', id: unknown): string {
  if (typeof id !== 'string' || !ID.test(id)) {
    throw CloudError.argumentInvalid(`The ${kind} id ${JSON.stringify(id)} is not valid: use 1 to 128 ASCII letters, digits or - : . + % _ # * ? ! ( ) , = @ ; $ '.`);
  }
  return id;
}

export interface SymmetricKeys {
  primaryKey: string;
  secondaryKey: string;
}

/** 32 random bytes, base64: what the emulator hands out when a key is left empty, as IoT Hub does. */
export function newKey(): string {
  return randomBytes(32).toString('base64');
}

/**
 * The keys an identity ends up with. Empty or missing keys are generated on create; on update they
 * keep the current keys, because the service SDK fills a missing `authentication` with empty keys
 * and an update that changes only the status must not rotate them.
 */
export function resolveKeys(authentication: unknown, current: SymmetricKeys | undefined): SymmetricKeys {
  const given = readAuthentication(authentication);
  return {
    primaryKey: given.primaryKey || current?.primaryKey || newKey(),
    secondaryKey: given.secondaryKey || current?.secondaryKey || newKey(),
  };
}

function readAuthentication(authentication: unknown): Partial<SymmetricKeys> {
  if (authentication === undefined || authentication === null) return {};
  if (typeof authentication !== 'object') throw CloudError.argumentInvalid('authentication must be an object.');
  const { type, symmetricKey } = authentication as { type?: unknown; symmetricKey?: unknown };
  if (type !== undefined && type !== null && type !== 'sas') {
    throw CloudError.argumentInvalid(`Authentication type ${JSON.stringify(type)} is not supported by the emulator; use "sas" (symmetric keys).`);
  }
  if (symmetricKey === undefined || symmetricKey === null) return {};
  if (typeof symmetricKey !== 'object') throw CloudError.argumentInvalid('authentication.symmetricKey must be an object.');
  const keys = symmetricKey as { primaryKey?: unknown; secondaryKey?: unknown };
  return { primaryKey: checkKey('primaryKey', keys.primaryKey), secondaryKey: checkKey('secondaryKey', keys.secondaryKey) };
}

function checkKey(name: string, key: unknown): string {
  if (key === undefined || key === null || key === '') return '';
  if (typeof key !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(key) || key.length % 4 !== 0) {
    throw CloudError.argumentInvalid(`authentication.symmetricKey.${name} is not base64; leave it empty to have one generated.`);
  }
  return key;
}

/** An 18-digit number, like IoT Hub's (.NET ticks); it tells a re-created id from the old one. */
export function newGenerationId(): string {
  const ticks = (BigInt(Date.now()) + 62_135_596_800_000n) * 10_000n + BigInt(randomInt(0, 10_000));
  return ticks.toString();
}
