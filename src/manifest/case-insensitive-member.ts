// Reads an object member the way edgeAgent (Newtonsoft.Json) and Docker (Go encoding/json) bind
// createOptions keys: an exact match first, then one that differs only in case.
import { appendPointer } from './json-pointer.js';
import { isPlainObject } from './manifest-shape.js';

export interface Member {
  key: string;
  pointer: string;
  value: unknown;
}

export function memberOf(object: unknown, pointer: string, name: string): Member | undefined {
  if (!isPlainObject(object)) return undefined;
  const lower = name.toLowerCase();
  const key = Object.hasOwn(object, name) ? name : Object.keys(object).find((candidate) => candidate.toLowerCase() === lower);
  return key === undefined ? undefined : { key, pointer: appendPointer(pointer, key), value: object[key] };
}
