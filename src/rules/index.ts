// The rule catalogue. Adding a rule: write src/rules/<id>.ts and its test, then list it here.
import { createOptionsJson } from './create-options-json.js';
import { duplicateKey } from './duplicate-key.js';
import { imageTagRule } from './image-tag.js';
import { parse } from './parse.js';
import type { Rule } from './rule.js';
import { schema } from './schema.js';
import { schemaVersion } from './schema-version.js';
import { upstreamProtocol } from './upstream-protocol.js';

export const RULES: readonly Rule[] = [
  schema,
  parse,
  duplicateKey,
  schemaVersion,
  createOptionsJson,
  upstreamProtocol,
  imageTagRule,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.meta.id));
