// One emulator per data folder (a second one would overwrite acknowledged telemetry), and the
// start-up refusals a user meets: a file as --data, a host name as --address.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { startCloud } from '../../../src/runtime/cloud/cloud-server.js';

const folders: string[] = [];
function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-cloud-lock-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

const ports = { mqttPort: 0, httpsPort: 0 };

describe('the data folder lock', () => {
  it('refuses a second emulator on a folder in use, and lets one start after the first stopped', async () => {
    const dataFolder = scratch();
    const first = await startCloud({ dataFolder, ...ports });
    try {
      await expect(startCloud({ dataFolder, ...ports })).rejects.toMatchObject({ name: 'InputError', code: 'data-folder-in-use' });
    } finally {
      await first.close();
    }
    const again = await startCloud({ dataFolder, ...ports });
    await again.close();
  });

  it('takes over a lock left by a process that is gone (killed with -9)', async () => {
    const dataFolder = scratch();
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    writeFileSync(join(dataFolder, 'serve.lock'), `${gone}\n`);
    const cloud = await startCloud({ dataFolder, ...ports });
    await cloud.close();
  });

  it('says what to do for a file given as --data, and a host name given as --address', async () => {
    const file = join(scratch(), 'not-a-folder');
    writeFileSync(file, '');
    await expect(startCloud({ dataFolder: file, ...ports })).rejects.toThrow(/--data .* is a file; name a folder/);
    await expect(startCloud({ dataFolder: scratch(), address: 'not-an-ip', ...ports })).rejects.toBeInstanceOf(InputError);
  });
});
