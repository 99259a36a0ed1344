// DIR/cloud.json: where a running emulator listens and how to reach it (issue 11's contract).
// The serve command writes it once every server listens and removes it when it stops; the
// `edgewise cloud` verbs find the emulator through it. It carries the iothubowner key, so only
// its owner may read it.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../data-folder/data-folder-file.js';

export interface CloudInfo {
  /** The hub's name: the host name service tokens are signed for. */
  hostName: string;
  mqtt: { host: string; port: number };
  https: { host: string; port: number };
  /** Path of the CA certificate that signed the servers' certificate. */
  ca: string;
  serviceConnectionString: string;
}

export const CLOUD_INFO_FILE = 'cloud.json';

export function cloudInfoPath(dataFolder: string): string {
  return join(dataFolder, CLOUD_INFO_FILE);
}

/** Written through a temporary file and a rename, so a reader never sees half of it. */
export function writeCloudInfo(dataFolder: string, info: CloudInfo): void {
  const path = cloudInfoPath(dataFolder);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, path);
}

export function removeCloudInfo(dataFolder: string): void {
  rmSync(cloudInfoPath(dataFolder), { force: true });
}

/** The info of the emulator serving this folder, or undefined when none has written it. */
export function readCloudInfo(dataFolder: string): CloudInfo | undefined {
  const text = readDataFile(cloudInfoPath(dataFolder));
  if (text === undefined) return undefined;
  try {
    const info = JSON.parse(text) as CloudInfo;
    const complete = typeof info.hostName === 'string' && typeof info.ca === 'string' && typeof info.serviceConnectionString === 'string' && typeof info.https?.port === 'number' && typeof info.mqtt?.port === 'number';
    return complete ? info : undefined;
  } catch {
    return undefined;
  }
}
