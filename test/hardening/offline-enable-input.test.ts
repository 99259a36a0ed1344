// Issue 9, item 3: offline enable died on a file with a byte order mark ("Unexpected token
// '\ufeff'", though validate and convert accept it), and on a key given twice with the first
// value of another type ("Can not add index to parent of type string"). It now edits the text the
// loader parsed (BOM removed, then put back), and refuses duplicate keys, as convert does, since
// it cannot tell which of the two to edit. The manifest is a real public one (loader-cli.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import { BASE_MANIFEST, edgewise, expectInputRefused, scratchFolder } from './loader-cli.js';

const BOM = '\uFEFF';

describe('offline enable on a manifest with a byte order mark', () => {
  it('applies the settings and keeps the mark', async () => {
    const text = `${BOM}${readFileSync(BASE_MANIFEST, 'utf8')}`;
    const result = await runOfflineEnable('-', { readStdin: () => text });
    expect(result.stderr).not.toMatch(/internal error/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.startsWith(BOM)).toBe(true);
    const manifest = JSON.parse(result.stdout.slice(1));
    expect(manifest.content.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs).toBeGreaterThan(0);
    expect(manifest.content.modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.env.UpstreamProtocol).toEqual({ value: 'Mqtt' });
  });

  it('through the CLI, --in-place, and a second run changes nothing', () => {
    const file = join(scratchFolder('bom'), 'deployment.json');
    writeFileSync(file, `${BOM}${readFileSync(BASE_MANIFEST, 'utf8')}`);
    const first = edgewise(['offline', 'enable', file, '--in-place']);
    expect(first.stderr).not.toMatch(/internal error/);
    expect(first.code).toBe(0);
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith(BOM)).toBe(true);
    const second = edgewise(['offline', 'enable', file, '--in-place']);
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/already has these offline settings/);
    expect(readFileSync(file, 'utf8')).toBe(written);
  });
});

describe('offline enable on a manifest with a key given twice', () => {
  // The first systemModules is a leftover string: JSON.parse keeps the second, the editor met the first.
  const text = readFileSync(BASE_MANIFEST, 'utf8').replace('"systemModules": {', '"systemModules": "see below",\n                    "systemModules": {');

  it('refuses it at the second key, with exit 1, instead of editing one of them', async () => {
    const result = await runOfflineEnable('-', { readStdin: () => text });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^edgewise: <stdin>:\d+:\d+ {2}key "systemModules" appears twice in the same object/);
    expect(result.stderr).toMatch(/offline enable cannot tell which one to edit/);
  });

  it('through the CLI, leaving the file as it was', () => {
    const file = join(scratchFolder('duplicate'), 'deployment.json');
    writeFileSync(file, text);
    expectInputRefused(edgewise(['offline', 'enable', file, '--in-place']), /appears twice/, [1]);
    expect(readFileSync(file, 'utf8')).toBe(text);
  });
});
