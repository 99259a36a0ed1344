// The guarded reader's refusals say what is wrong (review finding: `--cloud-ca nope.pem` said
// "cannot read the file (ENOENT); check its permissions" for a file that is not there).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { readRegularFile } from '../../../src/manifest/bounded-read.js';

const folder = mkdtempSync(join(tmpdir(), 'edgewise-bounded-read-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

it('says a missing file does not exist, and keeps the permissions hint for other failures', () => {
  expect(readRegularFile(join(folder, 'nope.pem'), 1024)).toEqual({ ok: false, message: 'the file does not exist (ENOENT); check the path' });
  writeFileSync(join(folder, 'plain'), 'x');
  expect(readRegularFile(join(folder, 'plain', 'below'), 1024)).toEqual({ ok: false, message: 'cannot read the file (ENOTDIR); check its permissions' });
});
