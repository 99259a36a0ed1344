// What the results depend on: the machine, the versions, and how busy the machine was (other
// processes share its cores, so the load average is recorded before and after every sample).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadAverage } from '../common/load-average.mjs';

export { loadAverage } from '../common/load-average.mjs';

export function mosquittoVersion(binary) {
  if (!binary) return undefined;
  try {
    const text = execFileSync(binary, ['-h'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /version (\S+)/.exec(text)?.[1];
  } catch (error) {
    // mosquitto -h exits 3 after printing its usage
    return /version (\S+)/.exec(String(error.stdout ?? ''))?.[1];
  }
}

function packageVersion(root, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function gitCommit(root) {
  try {
    return execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** Where the temporary folders live, and what file system it is (lmdb and mosquitto write there). */
function fileSystemOf(folder) {
  try {
    const line = execFileSync('df', ['-T', folder], { encoding: 'utf8' }).trim().split('\n').pop();
    const [device, type] = line.split(/\s+/);
    return `${type} (${device})`;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(root, { mosquittoBinary, tempRoot }) {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: `${process.version} (V8 ${process.versions.v8})`,
    os: `${os.type().toLowerCase()} ${os.release()} ${os.arch()}`,
    cpu: `${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM`,
    disk: `${tempRoot}: ${fileSystemOf(tempRoot)}`,
    commit: gitCommit(root),
    versions: {
      mosquitto: mosquittoVersion(mosquittoBinary) ?? 'not installed',
      lmdb: packageVersion(root, 'lmdb'),
      mqtt: packageVersion(root, 'mqtt'),
    },
    loadAtStart: loadAverage(),
  };
}

/** VmRSS of a running process in MiB, from /proc/PID/status. */
export function residentMiB(pid) {
  return memoryOf(pid).rss;
}

/**
 * VmRSS split as the kernel counts it: RssAnon (heaps, stacks) and RssFile (mapped files that
 * are resident, such as lmdb's memory map: page cache the kernel can take back).
 */
export function memoryOf(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const mib = (field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  return { rss: mib('VmRSS'), anon: mib('RssAnon'), file: mib('RssFile') };
}
