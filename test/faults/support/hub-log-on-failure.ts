// A fault test that fails prints the tail of the hub's log: the moments before the failure explain
// it, and the log is gone with the hub's temp folder.
import { afterEach } from 'vitest';

/** Registers an afterEach that prints the last `count` lines of `lines()` when the test failed. */
export function printHubLogOnFailure(lines: () => readonly string[], count = 80): void {
  afterEach((context) => {
    if (context.task.result?.state === 'fail') console.error(`the hub's log, its last ${count} lines:\n${lines().slice(-count).join('\n')}`);
  });
}
