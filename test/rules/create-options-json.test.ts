// The note that create-options-json adds when a module's createOptions cannot be read names the
// checks that then did not look at them; this keeps that list in step with the rules.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { CHECKS_READING_CREATE_OPTIONS } from '../../src/rules/create-options-json.js';

const RULES_DIR = join(import.meta.dirname, '..', '..', 'src', 'rules');

/** Rules that use createOptions but do not depend on reading them as JSON. */
const NOT_SKIPPED: Record<string, string> = {
  'create-options-json': 'reports the unreadable text itself',
  'create-options-chunks': 'measures the chunk strings, which are there either way',
  'unresolved-placeholder': 'scans the chunk strings as text when they cannot be parsed',
};

it('names every rule that reads parsed createOptions, and the Docker schema check', () => {
  const readers: string[] = [];
  for (const file of readdirSync(RULES_DIR).filter((name) => name.endsWith('.ts'))) {
    const text = readFileSync(join(RULES_DIR, file), 'utf8');
    const id = /\bid: '([a-z0-9-]+)'/.exec(text)?.[1];
    if (!id || id in NOT_SKIPPED) continue;
    if (/\b(createOptionsOf|hostConfigOf)\(|manifest\.createOptions\b/.test(text)) readers.push(id);
  }
  expect(readers.length).toBeGreaterThanOrEqual(5);
  expect([...CHECKS_READING_CREATE_OPTIONS].sort()).toEqual([...readers, 'schema'].sort());
});
