// The demo's one temporary folder: the emulator's data (cloud/) and the hub's (hub/: its store,
// identity cache, edge CA and the modules' logs). Removed at the end unless --keep.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface DemoFolder {
  root: string;
  cloud: string;
  hub: string;
  remove(): void;
}

export function makeDemoFolder(): DemoFolder {
  const root = mkdtempSync(join(tmpdir(), 'edgewise-demo-offline-'));
  return {
    root,
    cloud: join(root, 'cloud'),
    hub: join(root, 'hub'),
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
