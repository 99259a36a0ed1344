// The checks the demo makes, in the order it makes them. Each one is handed to the narration as
// it is made, so the run shows them live, and kept for the summary and the exit code. Once the
// demo is stopped (Ctrl-C), a wait that ended early is no failure: adding a check then ends the step.
import { DemoInterrupted, type DemoCheck, type DemoStep } from './demo-types.js';

export class CheckList {
  private readonly made: DemoCheck[] = [];

  constructor(
    private readonly onCheck: (check: DemoCheck) => void,
    private readonly signal?: AbortSignal,
  ) {}

  held(step: DemoStep, title: string, detail?: string): void {
    this.add({ step, title, state: 'held', ...(detail === undefined ? {} : { detail }) });
  }

  failed(step: DemoStep, title: string, detail: string): void {
    this.add({ step, title, state: 'failed', detail });
  }

  skipped(step: DemoStep, title: string, detail: string): void {
    this.add({ step, title, state: 'skipped', detail });
  }

  /** Held when `seen` is defined (its text is the detail), failed with `missing` otherwise; returns whether it held. */
  expect(step: DemoStep, title: string, seen: string | undefined, missing: string): boolean {
    if (seen === undefined) this.failed(step, title, missing);
    else this.held(step, title, seen);
    return seen !== undefined;
  }

  all(): DemoCheck[] {
    return [...this.made];
  }

  anyFailed(): boolean {
    return this.made.some((check) => check.state === 'failed');
  }

  private add(check: DemoCheck): void {
    if (this.signal?.aborted) throw new DemoInterrupted('stopped');
    this.made.push(check);
    this.onCheck(check);
  }
}
