// Where and on what the figures were taken: versions, the machine, and the commit measured.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

function packageVersion(root, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

/** "0.1.0 at 5627842 (with uncommitted changes)": read-only git plumbing, no index refresh. */
function edgewiseVersion(root) {
  const version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
  try {
    const commit = execFileSync('git', ['-C', root, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    let changed = false;
    try {
      execFileSync('git', ['-C', root, 'diff-index', '--quiet', 'HEAD', '--'], { stdio: 'ignore' });
    } catch {
      changed = true;
    }
    return `${version} at ${commit}${changed ? ' (with uncommitted changes)' : ''}`;
  } catch {
    return version;
  }
}

function cpuModel() {
  try {
    return /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown';
  } catch {
    return os.cpus()[0]?.model ?? 'unknown';
  }
}

export function describeMachine(root) {
  return {
    date: new Date().toISOString(),
    edgewise: edgewiseVersion(root),
    node: process.version,
    v8: process.versions.v8,
    os: `${os.type().toLowerCase()} ${os.release()} ${os.arch()}`,
    cpu: cpuModel(),
    cores: os.availableParallelism(),
    memGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    versions: { ajv: packageVersion(root, 'ajv'), ajvCli: packageVersion(root, 'ajv-cli') },
  };
}
