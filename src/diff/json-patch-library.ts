// The one place that loads fast-json-patch. It is CommonJS for Node (index.js, whose named
// exports Node cannot detect) and ES for bundlers (index.mjs): the default import is the full
// API in both.
import fastJsonPatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';

export type { Operation };
export const { applyOperation, compare, validate, JsonPatchError } = fastJsonPatch;
