// The demo's child device, examples/offline-demo/thermostat/thermostat.mjs, run as a child
// process (a real device would be another machine): the official SDK's device Client, connected
// to the edge hub through GatewayHostName and trusting the edge CA. It says what it does on
// stdout, one JSON object a line; those events are how the demo sees it connect (or be refused),
// send, report and answer the filter's direct method calls. A restart is a new process that
// numbers its readings on from where the last one stopped, so the cloud can check their order
// across runs.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname } from 'node:path';

export interface ChildEvent {
  event: 'connected' | 'sent' | 'reported' | 'method' | 'open-failed';
  /** Which run of the device said it (1 for the first process, 2 after a restart…). */
  run: number;
  /** When the demo read it (ms since the epoch). */
  atMs: number;
  index?: number;
  name?: string;
  payload?: unknown;
  /** Why the SDK's open failed: its error's name (UnauthorizedError for a refusal). */
  error?: string;
}

export interface ChildDeviceOptions {
  script: string;
  deviceId: string;
  /** The device's connection string, GatewayHostName included. */
  connectionString: string;
  edgeCaFile: string;
  intervalMs: number;
  /** Where its error output and a run that ends unexpectedly are told. */
  log: (line: string) => void;
}

/** How long a stopping device may take before it is killed. */
const STOP_GRACE_MS = 5000;

export class ChildDevice {
  private readonly seen: ChildEvent[] = [];
  private process: ChildProcessWithoutNullStreams | undefined;
  private exited: Promise<void> = Promise.resolve();
  private runs = 0;

  constructor(private readonly options: ChildDeviceOptions) {}

  get deviceId(): string {
    return this.options.deviceId;
  }

  get run(): number {
    return this.runs;
  }

  /** Starts a new run; its readings are numbered on from the last one sent. */
  start(): void {
    if (this.process) throw new Error('the child device is already running');
    const run = ++this.runs;
    const firstIndex = Math.max(-1, ...this.events('sent').map((event) => event.index ?? -1)) + 1;
    const child = spawn(process.execPath, [this.options.script], {
      cwd: dirname(this.options.script),
      env: {
        ...process.env,
        DEVICE_CONNECTION_STRING: this.options.connectionString,
        EDGE_CA_FILE: this.options.edgeCaFile,
        THERMOSTAT_INTERVAL_MS: String(this.options.intervalMs),
        THERMOSTAT_FIRST_INDEX: String(firstIndex),
        THERMOSTAT_RUN: String(run),
      },
      stdio: 'pipe',
    });
    this.process = child;
    readLines(child.stdout, (line) => this.read(line, run));
    readLines(child.stderr, (line) => this.options.log(`${this.deviceId} (run ${run}): ${line}`));
    this.exited = new Promise((resolve) => {
      child.on('close', (code, signal) => {
        if (this.process === child) {
          this.process = undefined;
          this.options.log(`${this.deviceId} (run ${run}) ended unexpectedly (${signal ?? `exit ${code}`})`);
        }
        resolve();
      });
    });
  }

  /** Stops the running process (SIGTERM: it closes its connection; SIGKILL after a grace). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child) return;
    this.process = undefined;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await this.exited;
    clearTimeout(timer);
  }

  /** Events of one kind, of every run or of one, oldest first. */
  events(kind: ChildEvent['event'], run?: number): ChildEvent[] {
    return this.seen.filter((event) => event.event === kind && (run === undefined || event.run === run));
  }

  private read(line: string, run: number): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      this.options.log(`${this.deviceId} (run ${run}): ${line}`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null) return;
    const fields = parsed as Record<string, unknown>;
    const event = fields.event;
    if (event !== 'connected' && event !== 'sent' && event !== 'reported' && event !== 'method' && event !== 'open-failed') return;
    this.seen.push({
      event,
      run,
      atMs: Date.now(),
      ...(typeof fields.index === 'number' ? { index: fields.index } : {}),
      ...(typeof fields.name === 'string' ? { name: fields.name } : {}),
      ...('payload' in fields ? { payload: fields.payload } : {}),
      ...(typeof fields.error === 'string' ? { error: fields.error } : {}),
    });
  }
}

function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') onLine(line);
  });
}
