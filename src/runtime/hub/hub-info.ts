// DIR/hub.json: where a running edge hub listens and what its clients trust (issue 12's
// contract). `edgewise run` writes it once every server listens and removes it when it stops;
// tools and tests find the hub through it. It holds no key, so it stays readable by others who
// may read the folder: a client needs the CA path and the ports.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../data-folder/data-folder-file.js';

export interface HubInfo {
  /** The MQTT (TLS) listener for modules and child devices. */
  mqtt: { host: string; port: number };
  /** The gateway HTTPS listener (module-to-module direct methods). */
  https: { host: string; port: number };
  /** Path of the edge CA certificate downstream clients trust: DIR/edge-ca.pem. */
  ca: string;
  pid: number;
  edgeDeviceId: string;
  /** The name clients put in GatewayHostName; the server certificate names it. */
  gatewayHostName: string;
}

export const HUB_INFO_FILE = 'hub.json';
/** Where `edgewise run` and `edgewise hub` keep and find the hub when --data is not given. */
export const DEFAULT_HUB_DATA_FOLDER = '.edgewise/hub';

export function hubInfoPath(dataFolder: string): string {
  return join(dataFolder, HUB_INFO_FILE);
}

/** Written through a temporary file and a rename, so a reader never sees half of it. */
export function writeHubInfo(dataFolder: string, info: HubInfo): void {
  const path = hubInfoPath(dataFolder);
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o644 });
  renameSync(temporary, path);
}

export function removeHubInfo(dataFolder: string): void {
  rmSync(hubInfoPath(dataFolder), { force: true });
}

/** The info of the hub serving this folder, or undefined when none has written it. */
export function readHubInfo(dataFolder: string): HubInfo | undefined {
  const text = readDataFile(hubInfoPath(dataFolder));
  if (text === undefined) return undefined;
  try {
    const info = JSON.parse(text) as HubInfo;
    const complete = typeof info.ca === 'string' && typeof info.mqtt?.port === 'number' && typeof info.https?.port === 'number' && typeof info.edgeDeviceId === 'string';
    return complete ? info : undefined;
  } catch {
    return undefined;
  }
}
