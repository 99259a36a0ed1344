// Appends a module's stdout and stderr to its log file, as they come (like `docker logs`, without
// timestamps). The file is capped: once it holds maxBytes it is renamed to {file}.1 (replacing the
// older one) and a new file starts, so a chatty module uses at most twice the cap. Writes are
// synchronous and small (a pipe delivers at most 64 KB at once), which keeps the order of the two
// streams and makes the rotation a plain rename. A failed write (a full disk) is reported once
// and dropped: a module's log must never stop the agent.
import { closeSync, constants, fstatSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { rotatedLogPath } from './module-log-path.js';

/** As docker's json-file driver is often configured (max-size 10m): enough to debug, small enough to keep. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

export interface ModuleLogWriter {
  write(chunk: Buffer | string): void;
  /** Closes the file; a later write opens it again. */
  close(): void;
}

export interface ModuleLogOptions {
  maxBytes?: number;
  /** Told once per failure streak, e.g. the disk is full. */
  onError?: (message: string) => void;
}

// O_NOFOLLOW: a link planted at the log's path must not redirect a module's output elsewhere.
const APPEND = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | (constants.O_NOFOLLOW ?? 0);

export function openModuleLog(logFile: string, options: ModuleLogOptions = {}): ModuleLogWriter {
  const maxBytes = options.maxBytes ?? DEFAULT_LOG_MAX_BYTES;
  let descriptor: number | undefined;
  let size = 0;
  let failing = false;

  const open = (): number => {
    mkdirSync(dirname(logFile), { recursive: true, mode: 0o700 });
    const opened = openSync(logFile, APPEND, 0o600);
    size = fstatSync(opened).size;
    return opened;
  };
  const close = (): void => {
    if (descriptor === undefined) return;
    const open = descriptor;
    descriptor = undefined;
    closeSync(open);
  };

  return {
    write(chunk) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (bytes.length === 0) return;
      try {
        descriptor ??= open();
        // A chunk larger than what is left is split: no file ever holds more than the cap.
        for (let from = 0; from < bytes.length; ) {
          if (size >= maxBytes) {
            close();
            renameSync(logFile, rotatedLogPath(logFile));
            descriptor = open();
          }
          const to = Math.min(bytes.length, from + maxBytes - size);
          while (from < to) {
            const written = writeSync(descriptor!, bytes, from, to - from);
            from += written;
            size += written;
          }
        }
        failing = false;
      } catch (error) {
        if (!failing) options.onError?.(`cannot write ${logFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); output is dropped until it can`);
        failing = true;
        try {
          close();
        } catch {
          // already reported; the next write opens the file again
        }
      }
    },
    close,
  };
}
