// The position-aware view of a parsed file: any JSON Pointer maps back to an offset in the text.

export interface NodeLocation {
  /** Offset of the property key, when the node is an object member. */
  keyOffset?: number;
  valueOffset: number;
  valueLength: number;
  /** False when the pointer does not exist and the nearest existing ancestor was returned. */
  exact: boolean;
}

export interface DuplicateKey {
  /** Pointer of the object holding the key twice. */
  objectPointer: string;
  key: string;
  firstOffset: number;
  secondOffset: number;
}

export interface SourceTree {
  locate(pointer: string): NodeLocation;
  /**
   * For a string node, maps an offset within its decoded value to the text offset,
   * so an error inside an embedded JSON string (createOptions) lands on the right column.
   */
  offsetInString(pointer: string, decodedOffset: number): number | undefined;
  duplicateKeys(): DuplicateKey[];
}

export interface ParseFailure {
  message: string;
  offset: number;
  /** Well-formed, but refused (too deep, an alias bomb, a custom tag…): not a syntax error. */
  refused?: boolean;
}

export type ParseResult =
  | { ok: true; value: unknown; tree: SourceTree }
  | { ok: false; error: ParseFailure };
