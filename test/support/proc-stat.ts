// What Linux's /proc/PID/stat says of a process, for tests that check modules and their children
// really ended: a zombie counts as gone (an orphan waits for pid 1 to reap it, which some
// containers never do). The fields are read after the last `)`, as the command name may hold any.
import { readdirSync, readFileSync } from 'node:fs';

/** The fields after the command name (state, ppid, pgrp, …), or undefined when there is no such process. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function isZombieOrDead(state: string | undefined): boolean {
  return /^[ZX]$/.test(state ?? '');
}

/** Alive and not a zombie. */
export function isAlive(pid: number | undefined): boolean {
  if (pid === undefined) return false;
  const fields = statFields(pid);
  return fields !== undefined && !isZombieOrDead(fields[0]);
}

/** Live processes of a process group (a module's group id is its first process's pid). */
export function groupMembers(pgid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      const fields = statFields(pid);
      return fields !== undefined && Number(fields[2]) === pgid && !isZombieOrDead(fields[0]);
    })
    .map(Number);
}
