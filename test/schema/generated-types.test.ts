// The TypeScript types are generated from the JSON Schemas (the single source of truth).
// This test fails when src/schema/types.generated.ts no longer matches the schemas.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OUTPUT_FILE, generateTypes } from '../../scripts/generate-types.mjs';

describe('src/schema/types.generated.ts', () => {
  it('matches a fresh generation from schemas/', async () => {
    const committed = readFileSync(OUTPUT_FILE, 'utf8');
    const fresh = await generateTypes();
    expect(
      committed,
      'src/schema/types.generated.ts is out of date with schemas/ (or was edited by hand). Run `npm run gen:types` and commit the result.',
    ).toBe(fresh);
  });
});
