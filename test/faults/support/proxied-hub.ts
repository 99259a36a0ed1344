// The set-up of the upstream fault tests: the emulator (fault-cloud.ts) with a cut-proxy in front
// of both its ports, and the hub (startHub, in-process) that reaches it only through the proxy,
// with short reconnect delays and its log kept in memory. Everything started, publishers included,
// is kept here so that afterAll closes it even when the test failed half-way.
import { afterAll } from 'vitest';
import { normalizeManifest } from '../../../src/manifest/normalize-manifest.js';
import { startHub, type RunningHub } from '../../../src/runtime/hub/start-hub.js';
import { hubManifest, removeTempFolders, STANDARD_ROUTES, tempFolder } from '../../runtime/hub/assembly/hub-support.js';
import { waitFor } from '../../support/wait-for.js';
import type { AckedPublisher } from './acked-publisher.js';
import { startCutProxy, type CutProxy } from './cut-proxy.js';
import { startFaultCloud, type FaultCloud } from './fault-cloud.js';
import { printHubLogOnFailure } from './hub-log-on-failure.js';

export interface ProxiedHubOptions {
  cloudAddress: string;
  /** Where the proxy listens, on the emulator's ports; the hub knows the emulator by this address. */
  proxyAddress: string;
  hubAddress: string;
  /** Child devices of the edge device (the publishers). */
  children: readonly string[];
  /** The start of the hub's temp data folder's name. */
  folderPrefix: string;
}

export class ProxiedHub {
  cloud: FaultCloud | undefined;
  hub: RunningHub | undefined;
  /** The MQTT port's proxy first, then the HTTPS port's. */
  readonly proxies: CutProxy[] = [];
  /** The test's publishers, abandoned at close. */
  readonly publishers: AckedPublisher[] = [];
  /** The hub's log, a line each, with its time. */
  readonly hubLog: string[] = [];

  /** Starts the emulator, the proxies and the hub; resolves once the upstream is connected through the proxy. */
  async start(options: ProxiedHubOptions): Promise<{ cloud: FaultCloud; hub: RunningHub }> {
    const cloud = await startFaultCloud({ address: options.cloudAddress, alias: options.proxyAddress, children: options.children });
    this.cloud = cloud;
    for (const port of [cloud.mqttPort, cloud.httpsPort]) this.proxies.push(await startCutProxy({ listen: { host: options.proxyAddress, port }, target: { host: options.cloudAddress, port } }));
    const hub = await startHub({
      dataFolder: tempFolder(options.folderPrefix),
      manifest: await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }),
      connectionString: cloud.edgeConnectionString,
      cloudCa: cloud.ca,
      cloudHttpsPort: cloud.httpsPort,
      address: options.hubAddress,
      mqttPort: 0,
      httpsPort: 0,
      upstreamBackoff: { minMs: 100, maxMs: 1000 },
      log: (line) => this.hubLog.push(`${new Date().toISOString()} ${line}`),
    });
    this.hub = hub;
    await waitFor('the upstream to connect through the proxy', () => hub.upstreamState === 'connected', 30_000);
    return { cloud, hub };
  }

  async close(): Promise<void> {
    await Promise.all(this.publishers.map((publisher) => publisher.abandon()));
    await this.hub?.close();
    await Promise.all(this.proxies.map((proxy) => proxy.close()));
    await this.cloud?.close();
    removeTempFolders();
  }
}

/** The test file's ProxiedHub: the hub's log printed when a test fails, everything closed (and the temp folders removed) after all. */
export function proxiedHubForThisFile(): ProxiedHub {
  const setup = new ProxiedHub();
  printHubLogOnFailure(() => setup.hubLog);
  afterAll(() => setup.close());
  return setup;
}
