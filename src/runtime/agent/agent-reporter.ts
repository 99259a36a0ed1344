// Writes the `$edgeAgent` reported properties through the hub's twin service: after a change,
// and at most once per delay (many module events in a burst become one patch), only what changed
// since the last report (reported-patch.ts), as edgeAgent's IoTHubReporter does. The first patch
// is computed against what the twin already reports, so a module gone since the last run is
// removed there. The twin service keeps patches while the cloud is away and sends them after.
import type { ClientIdentity } from '../iothub/client-identity.js';
import { patchContent } from '../hub/upstream/twin-patches.js';
import type { TwinService } from '../hub/upstream/twin-service.js';
import type { AgentDeployment, ModuleRuntime } from './agent-types.js';
import { reportedPatch } from './reported-patch.js';
import { reportedState, type ReportedContext } from './reported-state.js';

export interface AgentReporterOptions {
  twins: TwinService;
  identity: ClientIdentity;
  context: ReportedContext;
  /** How long changes gather before one patch is written (default 500 ms). */
  delayMs?: number;
  log?: (line: string) => void;
}

export interface ReportInput {
  deployment: AgentDeployment;
  states: Record<string, ModuleRuntime>;
  status?: ReportedContext['status'];
}

const DEFAULT_DELAY_MS = 500;

export class AgentReporter {
  private latest: ReportInput | undefined;
  private previous: Record<string, unknown> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: AgentReporterOptions) {}

  /** What is true now; written after the delay. */
  update(input: ReportInput): void {
    if (this.closed) return;
    this.latest = input;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, this.options.delayMs ?? DEFAULT_DELAY_MS);
    this.timer.unref();
  }

  /** Writes what is waiting now, and resolves once every write so far is with the twin service. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      void this.write();
    }
    return this.writing;
  }

  /** Writes what is waiting, then takes no more. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private write(): Promise<void> {
    this.writing = this.writing.then(() => this.writeNow()).catch((error: unknown) => this.options.log?.(`$edgeAgent reported properties not written: ${error instanceof Error ? error.message : String(error)}`));
    return this.writing;
  }

  private async writeNow(): Promise<void> {
    const input = this.latest;
    if (!input) return;
    this.previous ??= await this.reportedNow();
    const current = reportedState(input.deployment, input.states, { ...this.options.context, status: input.status });
    const patch = reportedPatch(this.previous, current);
    if (Object.keys(patch).length === 0) return;
    await this.options.twins.patchReported(this.options.identity, patch);
    this.previous = current;
  }

  /** What the twin reports already (the cloud's copy when connected, else the stored one). */
  private async reportedNow(): Promise<Record<string, unknown>> {
    const twin = await this.options.twins.get(this.options.identity);
    return patchContent(twin.reported);
  }
}
