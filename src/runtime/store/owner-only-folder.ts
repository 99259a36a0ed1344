// A store folder holds message bodies, twins and (the emulator's) every identity's keys, so both
// stores make it owner-only, a folder an older edgewise made too. Each store refuses with its own
// open error; the reason it gives is the same.
import { chmodSync, mkdirSync } from 'node:fs';

/** Makes `folder` (and its parents) and sets it to 0700; on failure throws what `refuse` makes of the reason. */
export function makeOwnerOnlyFolder(folder: string, refuse: (reason: string) => Error): void {
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    chmodSync(folder, 0o700);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw refuse(`the folder cannot be made or made owner-only (${code}); check the data folder's permissions and owner`);
  }
}
