// `edgewise demo offline` as a library call: IoT Edge's offline scenario, end to end, on one
// loopback address and in one temporary folder. The emulator (the cloud) is seeded with the edge
// device and the example's deployment; then the four documented steps run, each proven by
// checks (configure, sync, offline, reconnect and resync); the live counters come from the hub's
// own status, in this process. Everything started is stopped at the end, last started first,
// and the folder removed unless `keep`. The report says which checks held; the CLI makes it an
// exit code.
import { startSeededCloud } from '../../runtime/cloud/seeded-cloud.js';
import { CheckList } from './check-list.js';
import { CloudInbox } from './cloud-inbox.js';
import { CHILD_DEVICE, EDGE_DEVICE, FILTER, type DemoContext } from './demo-context.js';
import { makeDemoFolder } from './demo-folder.js';
import { DEMO_STEPS, DemoInterrupted, type DemoFigures, type DemoReport, type OfflineDemoOptions } from './demo-types.js';
import { loadDemoExample } from './example-files.js';
import { readHubProgress } from './hub-progress.js';
import type { Narrator } from './narration.js';
import { RecentLog } from './recent-log.js';
import type { DemoEdge } from './start-demo-edge.js';
import { configureStep } from './step-configure.js';
import { offlineStep, type Outage } from './step-offline.js';
import { resyncStep, type Resynced } from './step-resync.js';
import { syncStep } from './step-sync.js';
import { summaryLines } from './summary.js';

export interface DemoIo {
  narrator: Narrator;
  /** Aborted to stop the demo early (Ctrl-C). */
  signal: AbortSignal;
}

/** The live counters are redrawn this often (at least once a second). */
const TICK_MS = 500;
const RECENT_LINES = 40;

type Closer = () => Promise<void> | void;

/** What the live counters line says the demo is doing, and since when (for a running time). */
interface Phase {
  label: string;
  sinceMs?: number;
}

export async function runOfflineDemo(options: OfflineDemoOptions, io: DemoIo): Promise<DemoReport> {
  const { narrator, signal } = io;
  const recent = new RecentLog(RECENT_LINES);
  const checks = new CheckList((check) => narrator.check(check), signal);
  const example = await loadDemoExample();
  const folder = makeDemoFolder();
  const closers: Closer[] = [];
  let phase: Phase = { label: 'starting' };
  let demoEdge: DemoEdge | undefined;
  let inbox: CloudInbox | undefined;
  let outage: Outage | undefined;
  let resynced: Resynced | undefined;
  let interrupted = false;
  const ticker = setInterval(() => {
    if (demoEdge) narrator.progress({ phase: phaseText(phase), hub: readHubProgress(demoEdge.edge.hub) });
  }, TICK_MS);
  try {
    narrator.title(`edgewise demo offline: IoT Edge's offline scenario, end to end, on ${options.address}: the emulator (the cloud), the edge hub and agent, the example's modules (${example.folder}) and a child device`);
    narrator.title(`data in ${folder.root} (${options.keep ? 'kept at the end' : 'removed at the end; --keep keeps it'})`);
    const cloud = await startSeededCloud({ dataFolder: folder.cloud, deviceId: EDGE_DEVICE, modulesContent: example.modulesContent, deploy: true, address: options.address, onInternalError: (error) => recent.add(`cloud: internal error: ${(error as Error).message ?? String(error)}`) });
    closers.push(() => cloud.close());
    narrator.title(`emulator (the cloud) on mqtts://${cloud.info.mqtt.host}:${cloud.info.mqtt.port} and https://${cloud.info.https.host}:${cloud.info.https.port}, with edge device ${EDGE_DEVICE} and the example's deployment`);
    inbox = new CloudInbox(cloud.client);
    const context: DemoContext = {
      options,
      narrator,
      checks,
      signal,
      log: (line) => recent.add(line),
      folder,
      example,
      cloud,
      inbox,
      setPhase: (label, sinceMs) => (phase = { label, ...(sinceMs === undefined ? {} : { sinceMs }) }),
      onClose: (close) => closers.push(close),
    };
    const step = (index: number): void => {
      const { step: name, title } = DEMO_STEPS[index]!;
      phase = { label: name };
      narrator.step(index + 1, title);
    };
    step(0);
    await configureStep(context);
    step(1);
    const started = await syncStep(context, (edge) => (demoEdge = edge));
    step(2);
    outage = await offlineStep(context, started);
    step(3);
    resynced = await resyncStep(context, started, outage);
  } catch (error) {
    if (!(error instanceof DemoInterrupted) && !signal.aborted) {
      narrator.finish([]);
      await closeAll(closers).catch(() => undefined);
      if (!options.keep) folder.remove();
      throw error;
    }
    interrupted = true;
  } finally {
    clearInterval(ticker);
  }
  const figures = await figuresOf(inbox, demoEdge, outage, resynced);
  await closeAll(closers);
  if (!options.keep) folder.remove();
  const report: DemoReport = { checks: checks.all(), figures, interrupted, recentLog: recent.all(), ...(options.keep ? { keptFolder: folder.root } : {}) };
  narrator.finish(summaryLines(report));
  return report;
}

function phaseText(phase: Phase): string {
  return phase.sinceMs === undefined ? phase.label : `${phase.label} ${Math.floor((Date.now() - phase.sinceMs) / 1000)} s`;
}

async function figuresOf(inbox: CloudInbox | undefined, demoEdge: DemoEdge | undefined, outage: Outage | undefined, resynced: Resynced | undefined): Promise<DemoFigures> {
  await inbox?.refresh().catch(() => undefined);
  const hub = demoEdge ? readHubProgress(demoEdge.edge.hub) : undefined;
  const methodCalls = demoEdge?.child.events('method').length ?? 0;
  return {
    alertsInCloud: inbox?.from(EDGE_DEVICE, FILTER).length ?? 0,
    readingsInCloud: inbox?.from(CHILD_DEVICE, null).length ?? 0,
    outageSeconds: outage ? Math.round(((resynced?.restoredAtMs ?? Date.now()) - outage.cutAtMs) / 1000) : 0,
    heldAtRestore: resynced?.heldAtRestore ?? 0,
    deliveredAfterRestore: resynced?.deliveredAfterRestore ?? 0,
    methodCalls: { connected: methodCalls - (outage?.methodCallsWhileCut ?? 0), offline: outage?.methodCallsWhileCut ?? 0 },
    counters: { stored: hub?.stored ?? 0, delivered: hub?.delivered ?? 0, expired: hub?.expired ?? 0 },
    reconciled: resynced?.reconciled ?? [],
  };
}

/** Runs every closer, last registered first; the first failure is rethrown once all have run. */
async function closeAll(closers: Closer[]): Promise<void> {
  let failure: unknown;
  for (const close of closers.splice(0).reverse()) {
    try {
      await close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}
