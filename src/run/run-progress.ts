// How far a run is, for a caller that shows it (a progress bar): every thread adds the inputs of
// each batch it finishes to one shared counter; the main thread tells the listener after each of
// its own batches and, once those are done, on a timer while the workers finish theirs. A run
// without a listener keeps no counter and starts no timer.

/** Inputs done of the run's total, counted in whole batches. */
export type ProgressListener = (done: number, total: number) => void;

/** How often the main thread reads the counter while it waits for the workers: often enough for a bar redrawn ten times a second. */
const WAIT_POLL_MS = 100;

export function newProgressCounter(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** What a thread calls when it finished a batch of this many inputs. */
export function addsTo(counter: SharedArrayBuffer): (inputs: number) => void {
  const cell = new Int32Array(counter);
  return (inputs) => void Atomics.add(cell, 0, inputs);
}

/** The main thread's side: adds its own batches and tells the listener what all threads did. */
export class RunProgress {
  readonly counter: SharedArrayBuffer = newProgressCounter();
  private readonly cell = new Int32Array(this.counter);
  private readonly add = addsTo(this.counter);

  constructor(
    private readonly listener: ProgressListener,
    private readonly total: number,
  ) {}

  /** Tells the listener where the run starts: nothing done yet. */
  start(): void {
    this.listener(0, this.total);
  }

  /** The main thread finished a batch of `inputs`. */
  batchDone(inputs: number): void {
    this.add(inputs);
    this.report();
  }

  report(): void {
    this.listener(Atomics.load(this.cell, 0), this.total);
  }

  /** Reports on a timer until the returned function is called (while the main thread only waits). */
  whileWaiting(): () => void {
    const timer = setInterval(() => this.report(), WAIT_POLL_MS);
    return () => {
      clearInterval(timer);
      this.report();
    };
  }
}
