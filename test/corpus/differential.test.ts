// Differential test against the community (SchemaStore) schemas: every corpus file where the
// two verdicts differ must be listed, with its reason, in DIFFERENCES.md, and nothing else.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { validateSource } from '../../src/validate/validate-source.js';
import { communityVerdict } from './community-verdict.js';
import { corpusFiles, readCorpus } from './corpus-files.js';

type Verdict = 'valid' | 'invalid';

function documentedDifferences(): Map<string, { ours: Verdict; community: Verdict; schema: string }> {
  const table = readFileSync(join(import.meta.dirname, 'DIFFERENCES.md'), 'utf8');
  const rows = new Map<string, { ours: Verdict; community: Verdict; schema: string }>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    if (cells.length < 7 || !/\.(json|ya?ml)$/.test(cells[1]!)) continue;
    rows.set(cells[1]!, { ours: cells[2] as Verdict, community: cells[3] as Verdict, schema: cells[4]! });
  }
  return rows;
}

it('differs from the community schemas exactly where DIFFERENCES.md says, and why', async () => {
  const actual = new Map<string, { ours: Verdict; community: Verdict; schema: string }>();
  for (const name of corpusFiles()) {
    const source = readCorpus(name);
    let value: unknown;
    try {
      value = JSON.parse(source.text);
    } catch {
      continue; // not JSON before substitution: both tools refuse it
    }
    const ours: Verdict = (await validateSource(source)).findings.some((f) => f.severity === 'error') ? 'invalid' : 'valid';
    const community = communityVerdict(name, value);
    const theirs: Verdict = community.valid ? 'valid' : 'invalid';
    if (ours !== theirs) actual.set(name, { ours, community: theirs, schema: community.schema });
  }
  expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(documentedDifferences()));
});
