// The signal the long-running cloud commands (serve, messages --follow) stop on: SIGINT (Ctrl-C)
// or SIGTERM. While it is armed, those signals no longer kill the process, so the command can
// close what it holds and exit 0.
export function stopOnSignals(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): AbortSignal {
  const controller = new AbortController();
  const stop = (): void => {
    for (const signal of signals) process.off(signal, stop);
    controller.abort();
  };
  for (const signal of signals) process.on(signal, stop);
  return controller.signal;
}
