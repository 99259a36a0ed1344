// The store alone: openHubStore's append, one commit per message (each append awaited before the
// next) against group commit (1,000 appends waiting at once), with and without sync. Each sample
// runs in a fresh process on a fresh folder; the four settings are interleaved run by run.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from './machine.mjs';

const SAMPLE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'store-sample.mjs');

export const STORE_SETTINGS = [
  { name: 'one commit per message, no sync', inFlight: 1, sync: false },
  { name: 'group commit (1,000 in flight), no sync', inFlight: 1000, sync: false },
  { name: 'one commit per message, sync', inFlight: 1, sync: true },
  { name: 'group commit (1,000 in flight), sync', inFlight: 1000, sync: true },
];

const distFolder = (build) => path.join(build, 'dist');

/** Why the store cannot be measured in this build, or undefined when it can. */
export function storeUnavailable(build) {
  const file = path.join(distFolder(build), 'runtime/store/hub-store.js');
  return fs.existsSync(file) ? undefined : `${file} is not in this build`;
}

export function runStoreBench({ build, tempRoot, runs, count, sizes, log }) {
  const results = Object.fromEntries(STORE_SETTINGS.flatMap((s) => sizes.map((size) => [`${s.name}|${size}`, []])));
  const loads = [];
  for (let run = 0; run < runs; run++) {
    for (const size of sizes) {
      // Rotate the order so no setting always runs first (or right after the slowest).
      const order = STORE_SETTINGS.map((_, i) => STORE_SETTINGS[(i + run) % STORE_SETTINGS.length]);
      for (const setting of order) {
        const folder = fs.mkdtempSync(path.join(tempRoot, 's-'));
        // One commit per message with sync is slow (an fsync each): fewer messages keep it short.
        const n = setting.inFlight === 1 && setting.sync ? Math.max(200, Math.floor(count / 10)) : count;
        loads.push(loadAverage().one);
        const result = spawnSync(process.execPath, [SAMPLE, JSON.stringify({ dist: distFolder(build), folder, count: n, size, sync: setting.sync, inFlight: setting.inFlight })], { encoding: 'utf8' });
        fs.rmSync(folder, { recursive: true, force: true });
        if (result.status !== 0) throw new Error(`store sample failed: ${(result.stderr || result.stdout).trim().split('\n').slice(-3).join(' ')}`);
        const { rate, commits, writes } = JSON.parse(result.stdout.trim().split('\n').pop());
        results[`${setting.name}|${size}`].push({ rate, commits, writes });
        log(`store run ${run + 1}/${runs}, ${size} B, ${setting.name}: ${Math.round(rate)} appends/s (${n} appends, ${commits ?? '?'} commits for ${writes ?? '?'} writes)`);
      }
    }
  }
  loads.push(loadAverage().one);
  return { results, loads };
}
