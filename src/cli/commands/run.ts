// `edgewise run MANIFEST --connection-string CS --data DIR [...]`: lints the manifest with the full
// rule catalogue (the write gate `cloud deploy` passes too) and refuses it with errors (exit 1,
// one line per error) unless --force; then runs the edge hub until SIGINT or SIGTERM, and stops it
// cleanly (listeners closed, commits in flight finished, store closed, hub.json removed), exit 0.
// One line on stdout says where it listens; the hub's log goes to stderr, one line per event.
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import type { LintFinding } from '../../lint/lint-source.js';
import { checkOutput } from '../../lint/write-gate.js';
import { readRegularFile } from '../../manifest/bounded-read.js';
import { normalizeManifest } from '../../manifest/normalize-manifest.js';
import { parseManifestText } from '../../manifest/read-manifest-document.js';
import { readOneInput } from '../../manifest/read-one-input.js';
import { formatFindingLines } from '../../report/finding-lines-format.js';
import { createHubLog, DEFAULT_HUB_DATA_FOLDER, HUB_INFO_FILE, startHub } from '../../runtime/hub/index.js';
import type { CommandResult } from '../command-result.js';

export const CONNECTION_STRING_VARIABLE = 'EDGEWISE_CONNECTION_STRING';
/** A CA bundle is a few KB; this is far above any. */
const MAX_CA_BYTES = 1024 * 1024;

export interface RunOptions {
  connectionString?: string;
  data?: string;
  cloudCa?: string;
  cloudHttpsPort?: number;
  address?: string;
  mqttPort?: number;
  httpsPort?: number;
  gatewayHostName?: string;
  sync?: boolean;
  force?: boolean;
}

export interface RunIo {
  /** Writes to stdout at once (the command runs until stopped). */
  out(text: string): void;
  err(text: string): void;
  stop: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export async function runRun(manifestPath: string, options: RunOptions, io: RunIo): Promise<CommandResult> {
  const connectionString = options.connectionString ?? io.env[CONNECTION_STRING_VARIABLE];
  if (!connectionString) throw new InputError(`give the edge device's connection string with --connection-string or ${CONNECTION_STRING_VARIABLE} (edgewise cloud device show EDGE prints it)`, 'missing-connection-string');
  const input = readOneInput(manifestPath, process.cwd());
  if (input.text.trim() === '') throw new InputError(`${input.file} is empty: it holds no deployment`);
  const check = await checkOutput(input.file, input.text, { flavour: 'manifest' });
  if (!check.ok) {
    const count = `${check.errors} lint error${check.errors === 1 ? '' : 's'}`;
    if (!options.force) {
      // --force skips the lint, not the hub's own checks: a route that does not compile stops it anyway.
      const hint = check.findings.some(isUncompilableRoute) ? 'fix the routes: the hub cannot run a route that does not compile, even with --force' : '--force runs it anyway';
      return { exitCode: 1, stdout: '', stderr: `edgewise run: refused to run ${input.file}: it has ${count} (${hint}):\n${formatFindingLines(check.findings, 'error')}`, files: [] };
    }
    io.err(`edgewise run: ${input.file} has ${count}; running it anyway (--force)\n`);
  }
  const document = await parseManifestText(input.file, input.text);
  const manifest = await normalizeManifest(document.value, { flavour: 'manifest', file: document.file });
  const dataFolder = options.data ?? DEFAULT_HUB_DATA_FOLDER;
  const log = createHubLog((text) => io.err(text));
  const hub = await startHub({
    dataFolder,
    manifest,
    connectionString,
    cloudCa: options.cloudCa === undefined ? undefined : readCa(options.cloudCa),
    cloudHttpsPort: options.cloudHttpsPort,
    address: options.address,
    mqttPort: options.mqttPort,
    httpsPort: options.httpsPort,
    gatewayHostName: options.gatewayHostName,
    sync: options.sync,
    log: (line) => log(`edgewise hub: ${line}`),
  });
  const { info } = hub;
  io.out(`edgewise run: edge hub of ${info.edgeDeviceId} listening on mqtts://${info.mqtt.host}:${info.mqtt.port} (modules and child devices) and https://${info.https.host}:${info.https.port} (gateway); clients trust ${info.ca}; details in ${join(dataFolder, HUB_INFO_FILE)}\n`);
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    else io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await hub.close();
  return { exitCode: 0, stdout: '', stderr: '', files: [] };
}

/** A route-syntax error other than text after the sink (which edgeHub ignores, and so does the hub). */
function isUncompilableRoute(finding: LintFinding): boolean {
  return finding.severity === 'error' && finding.ruleId === 'route-syntax' && finding.messageId !== 'trailing';
}

function readCa(path: string): string {
  const read = readRegularFile(path, MAX_CA_BYTES);
  if (!read.ok) throw new InputError(`--cloud-ca ${path}: ${read.message}`, 'invalid-option');
  if (!read.text.includes('-----BEGIN CERTIFICATE-----')) throw new InputError(`--cloud-ca ${path} holds no PEM certificate; give the CA file of the cloud (the emulator's cloud.json names it as "ca")`, 'invalid-option');
  return read.text;
}
