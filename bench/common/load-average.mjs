// How busy the machine is: other processes share its cores, so every figure is recorded beside
// the load average of the moment it was measured.
import fs from 'node:fs';
import os from 'node:os';

/** The 1, 5 and 15 minute load averages (from /proc/loadavg on Linux, os.loadavg() elsewhere). */
export function loadAverage() {
  try {
    const [one, five, fifteen] = fs.readFileSync('/proc/loadavg', 'utf8').split(' ').map(Number);
    return { one, five, fifteen };
  } catch {
    const [one, five, fifteen] = os.loadavg();
    return { one, five, fifteen };
  }
}

/** "1.92 / 1.40 / 0.95" (1, 5 and 15 minutes). */
export function formatLoad(load) {
  return `${load.one.toFixed(2)} / ${load.five.toFixed(2)} / ${load.fifteen.toFixed(2)}`;
}
