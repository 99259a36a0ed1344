// RFC 6901 JSON Pointers: keys such as "properties.desired" contain dots, so dotted paths can't be used.
// Also the one safe way to read and write a value by a path of keys that come from input (below).
import { ManifestError } from '../errors.js';

export function escapePointerSegment(segment: string): string {
  // Most keys need no escaping; skip the two regex passes for them (a hot path in rules).
  if (!segment.includes('~') && !segment.includes('/')) return segment;
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapePointerSegment(segment: string): string {
  if (!segment.includes('~')) return segment;
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function toPointer(segments: readonly (string | number)[]): string {
  let pointer = '';
  for (const segment of segments) pointer += '/' + escapePointerSegment(String(segment));
  return pointer;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`invalid JSON Pointer "${pointer}": it must start with "/"`);
  const segments = pointer.slice(1).split('/');
  // Placing and reading findings parse pointers by the thousand; few hold an escape.
  return pointer.includes('~') ? segments.map(unescapePointerSegment) : segments;
}

export function appendPointer(pointer: string, ...segments: (string | number)[]): string {
  return pointer + toPointer(segments);
}

/** Reads the value at a pointer, or undefined when any step is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  for (const segment of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

// Writing by a path that comes from input. In JavaScript `node["__proto__"] = v` replaces an
// object's prototype, and `node.constructor.prototype` is Object.prototype itself, shared by every
// object: a path through those names lets one input rewrite how edgewise reads every other
// object (a layer's "properties.desired.__proto__.restartPolicy" did exactly that). So paths that
// name them are refused here, in one place, and the walk follows own properties only.

/** The keys that reach JavaScript's object machinery rather than data. */
const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export function isPrototypeKey(segment: string): boolean {
  return PROTOTYPE_KEYS.has(segment);
}

/** The first segment of a path that names __proto__, constructor or prototype. */
export function prototypeKeyIn(path: readonly string[]): string | undefined {
  return path.find(isPrototypeKey);
}

/** A path from input names __proto__, constructor or prototype: never followed or written. */
export class UnsafePathError extends ManifestError {
  override name = 'UnsafePathError';

  constructor(
    message: string,
    readonly segment: string,
  ) {
    super(message, 'unsafe-path');
  }

  static forPath(path: readonly string[], segment: string): UnsafePathError {
    return new UnsafePathError(`the path ${toPointer(path)} names ${segment}, which edgewise does not follow or write: in JavaScript it reaches the prototype shared by every object, not data. Rename the property`, segment);
  }
}

/** An own property's value, never one inherited from Object.prototype (such as `toString`). */
export function ownValue(node: unknown, key: string): unknown {
  if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
  return (node as Record<string, unknown>)[key];
}

/** Sets an own, enumerable property, as JSON.parse would: even "__proto__" stays a plain key. */
export function setOwn(node: object, key: string, value: unknown): void {
  Object.defineProperty(node, key, { value, writable: true, enumerable: true, configurable: true });
}

type Container = Record<string, unknown> | unknown[];

function isContainer(value: unknown): value is Container {
  return value !== null && typeof value === 'object';
}

/**
 * Sets a value at a path, turning missing or non-object steps into objects. An array takes an
 * index, or "-" last to append; with `arrays: 'replace'` (twin paths, which have no indexes) an
 * array on the way is replaced by an object. Refuses __proto__, constructor and prototype.
 */
export function setAtPath(root: Container, path: readonly string[], value: unknown, options: { arrays: 'index' | 'replace' } = { arrays: 'index' }): void {
  if (path.length === 0) throw new Error('setAtPath needs a non-empty path');
  const unsafe = prototypeKeyIn(path);
  if (unsafe !== undefined) throw UnsafePathError.forPath(path, unsafe);
  let node: Container = root;
  for (const segment of path.slice(0, -1)) {
    const next = ownValue(node, segment);
    if (isContainer(next) && (options.arrays === 'index' || !Array.isArray(next))) node = next;
    else {
      const created: Record<string, unknown> = {};
      setOwn(node, segment, created);
      node = created;
    }
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(node) && last === '-') node.push(value);
  else setOwn(node, last, value);
}

/** Removes the value at a path (an array item is spliced out); a missing step removes nothing. */
export function removeAtPath(root: Container, path: readonly string[]): void {
  if (path.length === 0) throw new Error('removeAtPath needs a non-empty path');
  const unsafe = prototypeKeyIn(path);
  if (unsafe !== undefined) throw UnsafePathError.forPath(path, unsafe);
  let node: unknown = root;
  for (const segment of path.slice(0, -1)) node = ownValue(node, segment);
  const last = path[path.length - 1]!;
  if (Array.isArray(node)) {
    if (/^\d+$/.test(last) && Number(last) < node.length) node.splice(Number(last), 1);
  } else if (isContainer(node) && Object.prototype.hasOwnProperty.call(node, last)) {
    delete (node as Record<string, unknown>)[last];
  }
}
