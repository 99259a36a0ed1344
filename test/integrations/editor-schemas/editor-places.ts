// What an editor marks in a document: the places a plain draft-07 validator (ajv, nothing
// registered but the one printed schema) reports, as JSON Pointers to the member at fault.
// No edgewise code: this is the editor's side of the comparison.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';

export interface EditorPlace {
  pointer: string;
  error: ErrorObject;
}

/** Compiles a printed schema the way an editor's validator takes a schema file: alone, all errors reported. */
export function compileAlone(schema: Record<string, unknown>): ValidateFunction {
  // verbose: the errors carry the failing schema, used only to explain known differences.
  return new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(schema);
}

export function editorPlaces(validate: ValidateFunction, value: unknown): EditorPlace[] {
  validate(value);
  // `if` only wraps the error its `then` reports; anyOf's summary comes with its branches' errors.
  const errors = (validate.errors ?? []).filter((error) => !['if', 'anyOf', 'oneOf'].includes(error.keyword));
  return errors.map((error) => ({ pointer: placeOf(error), error }));
}

/** The member at fault: a key for unknown or badly named keys, else the value (for `required`, the object). */
function placeOf(error: ErrorObject): string {
  const key: unknown = error.keyword === 'additionalProperties' ? error.params.additionalProperty : error.keyword === 'propertyNames' ? error.params.propertyName : error.propertyName;
  return key === undefined ? error.instancePath : `${error.instancePath}/${escapeSegment(String(key))}`;
}

export function escapeSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The same member, or one inside the other: an error on a key and one on its value are one problem. */
export function samePlace(a: string, b: string): boolean {
  return a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** The value at a pointer; a pointer that passes through a string (JSON text in createOptions) is out of an editor's sight. */
export function lookUp(document: unknown, pointer: string): { visible: boolean; value: unknown } {
  let node = document;
  for (const segment of pointerSegments(pointer)) {
    if (typeof node === 'string') return { visible: false, value: undefined };
    node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[segment] : undefined;
  }
  return { visible: true, value: node };
}
