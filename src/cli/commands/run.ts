// `edgewise run MANIFEST --connection-string CS --data DIR [...]`: lints the manifest with the full
// rule catalogue (the write gate `cloud deploy` passes too) and refuses it with errors (exit 1,
// one line per error) unless --force; then runs the edge hub and, with a backend to run modules
// with (`--modules FILE` for processes, or `--backend docker`), the agent beside it, until SIGINT
// or SIGTERM; stops them cleanly (the agent and its modules first, then the hub: listeners
// closed, commits in flight finished, store closed, hub.json removed), exit 0. `--with-cloud`
// first starts a local emulator seeded with the edge device and this deployment
// (runtime/cloud/seeded-cloud.ts), and stops it last. `--ui-port` adds the live status page on
// loopback (runtime/status-page/), started after the hub and stopped before it. One line on stdout
// says where each part is; the log goes to stderr, one line per event.
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { LintFinding } from '../../lint/lint-source.js';
import { checkOutput } from '../../lint/write-gate.js';
import { readRegularFile } from '../../manifest/bounded-read.js';
import { normalizeManifest } from '../../manifest/normalize-manifest.js';
import { parseManifestText } from '../../manifest/read-manifest-document.js';
import { readOneInput } from '../../manifest/read-one-input.js';
import { locateModulesContent } from '../../manifest/manifest-shape.js';
import type { NormalizedManifest } from '../../manifest/normalize-manifest.js';
import { formatFindingLines } from '../../report/finding-lines-format.js';
import { deploymentFromManifest } from '../../runtime/agent/deployment.js';
import { startEdge, type RunningEdge } from '../../runtime/agent/start-edge.js';
import { startSeededCloud, type SeededCloud } from '../../runtime/cloud/seeded-cloud.js';
import { createHubLog, DEFAULT_HUB_DATA_FOLDER, HUB_INFO_FILE, startHub, type HubOptions, type RunningHub } from '../../runtime/hub/index.js';
import { statusPageAddress } from '../../runtime/status-page/page-access.js';
import { startStatusPage, type RunningStatusPage } from '../../runtime/status-page/status-page-server.js';
import type { ModuleStateLike } from '../../runtime/status-page/status-snapshot.js';
import type { CommandResult } from '../command-result.js';
import { chooseBackend, type BackendChoice } from './run-backend.js';

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
  /** process (default) or docker. */
  backend?: string;
  /** The process backend's modules file. */
  modules?: string;
  dockerHost?: string;
  /** Start a local emulator seeded with the edge device and this deployment. */
  withCloud?: boolean;
  /** Run the cloud's $edgeAgent deployment instead of the manifest's. */
  fromCloud?: boolean;
  /** With --with-cloud: the edge device's id (default edge-device). */
  deviceId?: string;
  /** With --with-cloud: the emulator's data folder (default: `cloud` beside --data). */
  cloudData?: string;
  /** Serve the live status page on loopback at this port (0: the system chooses); none without it. */
  uiPort?: number;
}

export const DEFAULT_EDGE_DEVICE = 'edge-device';

export interface RunIo {
  /** Writes to stdout at once (the command runs until stopped). */
  out(text: string): void;
  err(text: string): void;
  stop: AbortSignal;
  env: NodeJS.ProcessEnv;
}

export async function runRun(manifestPath: string, options: RunOptions, io: RunIo): Promise<CommandResult> {
  checkCloudOptions(options);
  const connectionString = options.withCloud ? undefined : (options.connectionString ?? io.env[CONNECTION_STRING_VARIABLE]);
  if (!options.withCloud && !connectionString) {
    throw new InputError(`give the edge device's connection string with --connection-string or ${CONNECTION_STRING_VARIABLE} (edgewise cloud device show EDGE prints it)`, 'missing-connection-string');
  }
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
  const backend = await chooseBackend(options, io.env);
  // What the agent cannot run (a module without an image…) is refused before anything starts.
  const moduleNames = backend && !options.fromCloud ? deploymentFromManifest(manifest).modules.map((module) => module.name) : [];
  const dataFolder = options.data ?? DEFAULT_HUB_DATA_FOLDER;
  const log = createHubLog((text) => io.err(text));
  // Every agent line counts (a module stopped twice in a row is two events); its own repeats are few: restarts wait out their back-off.
  const agentLog = createHubLog((text) => io.err(text), { repeatWindowMs: 0 });

  let cloud: SeededCloud | undefined;
  if (options.withCloud) {
    const { modulesContent } = locateModulesContent(document.value);
    if (!modulesContent) throw new InputError(`${document.file} has no modulesContent: it is not a deployment manifest`);
    const cloudData = options.cloudData ?? join(dirname(resolve(dataFolder)), 'cloud');
    const deviceId = options.deviceId ?? DEFAULT_EDGE_DEVICE;
    cloud = await startSeededCloud({ dataFolder: cloudData, deviceId, modulesContent, deploy: !options.fromCloud, onInternalError: (error) => log(`edgewise cloud: internal error: ${(error as Error).message ?? String(error)}`) });
    const { mqtt, https } = cloud.info;
    io.out(`edgewise run: emulator (the cloud) with edge device ${deviceId} on mqtts://${mqtt.host}:${mqtt.port} and https://${https.host}:${https.port}; its data, messages and twins: edgewise cloud … --data ${cloudData}\n`);
  }
  try {
    const hubOptions: HubOptions = {
      dataFolder,
      manifest,
      connectionString: cloud?.connectionString ?? connectionString!,
      cloudCa: cloud?.ca ?? (options.cloudCa === undefined ? undefined : readCa(options.cloudCa)),
      cloudHttpsPort: cloud?.info.https.port ?? options.cloudHttpsPort,
      address: options.address,
      mqttPort: options.mqttPort,
      httpsPort: options.httpsPort,
      gatewayHostName: options.gatewayHostName,
      sync: options.sync,
      log: (line) => log(`edgewise hub: ${line}`),
    };
    const running = await startWithGateway(hubOptions, backend, options, agentLog, io);
    const page = await startPageFor(running, options, log).catch(async (error: unknown) => {
      await running.close();
      throw error;
    });
    const { info } = running.hub;
    io.out(`edgewise run: edge hub of ${info.edgeDeviceId} listening on mqtts://${info.mqtt.host}:${info.mqtt.port} (modules and child devices) and https://${info.https.host}:${info.https.port} (gateway); clients trust ${info.ca}; details in ${join(dataFolder, HUB_INFO_FILE)}\n`);
    if (backend) {
      const what = options.fromCloud ? "the cloud's $edgeAgent deployment" : moduleNames.length > 0 ? [...moduleNames].sort().join(', ') : 'no modules';
      io.out(`edgewise run: agent running ${what} ${backend.description}; their output: edgewise logs MODULE --data ${dataFolder}\n`);
    } else {
      noteModulesNotRun(manifest, io);
    }
    if (page) io.out(`edgewise run: status page on ${page.url} (open it in a browser on this machine; the token keeps other users of the machine out)\n`);
    await new Promise<void>((resolveStop) => {
      if (io.stop.aborted) resolveStop();
      else io.stop.addEventListener('abort', () => resolveStop(), { once: true });
    });
    await page?.close();
    await running.close();
  } finally {
    await cloud?.close();
  }
  return { exitCode: 0, stdout: '', stderr: '', files: [] };
}

/** Options that only make sense with, or without, --with-cloud. */
function checkCloudOptions(options: RunOptions): void {
  if (options.withCloud) {
    if (options.connectionString !== undefined) throw new InputError('--with-cloud makes the edge device in the emulator and uses its connection string; leave out --connection-string', 'invalid-option');
    if (options.cloudCa !== undefined) throw new InputError("--with-cloud trusts its own emulator's CA; leave out --cloud-ca", 'invalid-option');
    return;
  }
  if (options.deviceId !== undefined) throw new InputError("--device-id names the edge device --with-cloud makes; without --with-cloud the device is the connection string's", 'invalid-option');
  if (options.cloudData !== undefined) throw new InputError('--cloud-data is the data folder of the emulator --with-cloud starts; add --with-cloud, or leave it out', 'invalid-option');
}

/** Without a backend the hub runs alone: the modules of the deployment are named, so that it is not silent. */
function noteModulesNotRun(manifest: NormalizedManifest, io: RunIo): void {
  let names: string[];
  try {
    names = deploymentFromManifest(manifest).modules.map((module) => module.name);
  } catch {
    return; // the hub does not need what the agent would refuse
  }
  if (names.length > 0) io.err(`edgewise run: the deployment's modules (${names.sort().join(', ')}) are not started: give --modules FILE to run them as processes, or --backend docker\n`);
}

type Running = { hub: RunningHub; modules?: () => Record<string, ModuleStateLike>; close(): Promise<void> };

/** The status page, with --ui-port: on the hub's address when that is a loopback one, else on 127.0.0.1. */
async function startPageFor(running: Running, options: RunOptions, log: (line: string) => void): Promise<RunningStatusPage | undefined> {
  if (options.uiPort === undefined) return undefined;
  return startStatusPage({ hub: running.hub, modules: running.modules, address: statusPageAddress(options.address ?? '127.0.0.1'), port: options.uiPort, log: (line) => log(`edgewise run: ${line}`) });
}

/**
 * The hub, and the agent when there is a backend. With --with-cloud (a try on a laptop), a gateway
 * port 443 this user may not take is replaced by one the system chooses, said on stderr: only
 * module-to-module direct methods need 443.
 */
async function startWithGateway(hubOptions: HubOptions, backend: BackendChoice | undefined, options: RunOptions, agentLog: (line: string) => void, io: RunIo): Promise<Running> {
  const start = (hub: HubOptions): Promise<Running> => (backend ? startEdgeWith(hub, backend, options, agentLog) : startHub(hub).then((started) => ({ hub: started, close: () => started.close() })));
  try {
    return await start(hubOptions);
  } catch (error) {
    const gatewayDenied = error instanceof InputError && error.code === 'address-denied' && error.message.endsWith('--https-port');
    if (!options.withCloud || !gatewayDenied || (hubOptions.httpsPort ?? 443) !== 443) throw error;
    io.err(`edgewise run: port 443 of ${hubOptions.address ?? '127.0.0.1'} needs root (or CAP_NET_BIND_SERVICE), so the gateway listens on a port the system chooses; that is enough unless modules call each other's direct methods, which need 443\n`);
    return start({ ...hubOptions, httpsPort: 0 });
  }
}

async function startEdgeWith(hub: HubOptions, backend: BackendChoice, options: RunOptions, agentLog: (line: string) => void): Promise<Running> {
  const edge: RunningEdge = await startEdge({
    hub,
    createBackend: (dataFolder) => backend.create(dataFolder, (line) => agentLog(`edgewise agent: ${line}`)),
    fromCloud: options.fromCloud,
    agentLog: (line) => agentLog(`edgewise agent: ${line}`),
  });
  return { hub: edge.hub, modules: () => edge.agent.states(), close: () => edge.close() };
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
