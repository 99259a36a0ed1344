// What IoT Hub accepts in a twin section (docs/FACTS.md §1 "IoT Hub limits"; docs/research/iothub-facts.md
// §5 "Limits", "How size is counted"): key syntax, depth, value sizes and types, and the section's size.
// A write that breaks one is refused whole with 400 ArgumentInvalid, and nothing is stored.
import { CloudError } from './cloud-error.js';

export const SECTION_LIMITS = { tags: 8 * 1024, desired: 32 * 1024, reported: 32 * 1024 } as const;
export type TwinSection = keyof typeof SECTION_LIMITS;

const MAX_DEPTH = 10;
const MAX_KEY_BYTES = 1024;
const MAX_STRING_BYTES = 4096;
const MAX_SAFE = 4503599627370495;
const MIN_SAFE = -4503599627370496;
/** C0 and C1 control characters, `.`, `$` and space. */
const BAD_KEY_CHARACTER = /[\u0000-\u001f\u007f-\u009f.$ ]/u;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/gu;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks a patch or a whole section before it is applied; nulls are allowed as members (they delete). */
export function checkTwinValues(section: TwinSection, values: Record<string, unknown>): void {
  checkObject(section, values, 0, '');
}

/** Checks the size a section would have, counted as IoT Hub counts it. */
export function checkTwinSize(section: TwinSection, values: Record<string, unknown>): void {
  const size = sizeOf(values);
  if (size > SECTION_LIMITS[section]) {
    throw CloudError.argumentInvalid(`The ${sectionName(section)} would be ${size} bytes, over IoT Hub's limit of ${SECTION_LIMITS[section]} bytes.`);
  }
}

function checkObject(section: TwinSection, object: Record<string, unknown>, depth: number, path: string): void {
  if (depth > MAX_DEPTH) refuse(section, path, `nests objects deeper than ${MAX_DEPTH} levels`);
  for (const [key, value] of Object.entries(object)) {
    const at = path ? `${path}.${key}` : key;
    if (key === '' || BAD_KEY_CHARACTER.test(key)) refuse(section, at, 'has a key with a character IoT Hub does not allow (control characters, ".", "$", space)');
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) refuse(section, at, `has a key longer than ${MAX_KEY_BYTES} bytes`);
    if (value !== null) checkValue(section, value, depth + 1, at, false);
  }
}

function checkValue(section: TwinSection, value: unknown, depth: number, at: string, inArray: boolean): void {
  if (value === null) {
    if (inArray) refuse(section, at, 'holds null inside an array');
    return;
  }
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) refuse(section, at, `nests deeper than ${MAX_DEPTH} levels`);
    for (const item of value) checkValue(section, item, depth + 1, at, true);
    return;
  }
  if (isPlainObject(value)) {
    if (inArray) {
      if (Object.values(value).some((member) => member === null)) refuse(section, at, 'holds null in an object inside an array');
    }
    checkObject(section, value, depth, at);
    return;
  }
  if (typeof value === 'string') {
    if (Buffer.byteLength(value) > MAX_STRING_BYTES) refuse(section, at, `has a string longer than ${MAX_STRING_BYTES} bytes`);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) refuse(section, at, 'holds a number JSON cannot write');
    if (Number.isInteger(value) && (value > MAX_SAFE || value < MIN_SAFE)) refuse(section, at, `holds an integer outside ${MIN_SAFE}..${MAX_SAFE}`);
    return;
  }
  if (typeof value === 'boolean') return;
  refuse(section, at, 'holds a value that is not JSON');
}

/** Key plus value, strings as UTF-8 without control characters, numbers 8 bytes, booleans 4. */
function sizeOf(value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value.replace(CONTROL, ''));
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean') return 4;
  if (Array.isArray(value)) return value.reduce((total: number, item) => total + sizeOf(item), 0);
  if (isPlainObject(value)) return Object.entries(value).reduce((total, [key, member]) => total + Buffer.byteLength(key.replace(CONTROL, '')) + sizeOf(member), 0);
  return 0;
}

function sectionName(section: TwinSection): string {
  return section === 'tags' ? 'twin tags' : `${section} properties`;
}

function refuse(section: TwinSection, at: string, problem: string): never {
  throw CloudError.argumentInvalid(`The ${sectionName(section)} at "${at}" ${problem}.`);
}
