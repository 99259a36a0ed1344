// Which module processes this data folder's agent has running, kept in DATA/process-modules.json,
// so that a later agent finds the ones an agent killed with SIGKILL left behind (they run in their
// own process groups, so they outlive it). A record holds the process's start time (Linux
// /proc/{pid}/stat, field 22) so a pid the system gave to another program since is not mistaken
// for the module. The file is written whole, then renamed.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readDataFile } from '../../data-folder/data-folder-file.js';

export const PROCESS_RECORDS_FILE = 'process-modules.json';

export interface ProcessRecord {
  module: string;
  pid: number;
  /** Clock ticks after boot when it started (Linux); undefined where /proc is not available. */
  startTicks?: number;
}

export function readProcessRecords(dataFolder: string): ProcessRecord[] {
  const text = readDataFile(join(dataFolder, PROCESS_RECORDS_FILE));
  if (text === undefined) return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return []; // a torn or edited file: nothing can be trusted in it
  }
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord);
}

export function writeProcessRecords(dataFolder: string, records: readonly ProcessRecord[]): void {
  mkdirSync(dataFolder, { recursive: true });
  const file = join(dataFolder, PROCESS_RECORDS_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(records, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

/** The start time of a live process, from /proc; undefined when it is gone, a zombie, or /proc is missing. */
export function processStartTicks(pid: number): number | undefined {
  const stat = readDataFile(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

/** Whether the recorded process still runs (and is the same process). */
export function isRecordAlive(record: ProcessRecord): boolean {
  if (!isPidAlive(record.pid)) return false;
  if (process.platform !== 'linux') return true;
  const ticks = processStartTicks(record.pid);
  return ticks !== undefined && (record.startTicks === undefined || ticks === record.startTicks);
}

export function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false; // gone, or (EPERM) another user's process: not one this agent started
  }
  // A zombie still answers signal 0; /proc tells it apart.
  return process.platform !== 'linux' || processStartTicks(pid) !== undefined;
}

function isRecord(value: unknown): value is ProcessRecord {
  if (value === null || typeof value !== 'object') return false;
  const record = value as Record<string, unknown>;
  return typeof record.module === 'string' && Number.isInteger(record.pid) && (record.pid as number) > 1 && (record.startTicks === undefined || typeof record.startTicks === 'number');
}
