// The two manifest sets the tooling benchmark runs on, each at every size: the generated set
// (the seed of issue 10's figures, the vocabulary's names) and a set with another seed whose
// modules, outputs, env variables, routes and twin properties all have names of their own, so
// that caches keyed on names cannot flatter the figures. File i of a set depends only on
// (seed, names, i), so the 100-file folder holds the first 100 files of the 10,000-file one.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_SEED, GENERATOR_VERSION, generateManifests } from '../generate-manifests.mjs';

const GENERATOR_FILES = ['../generate-manifests.mjs', '../manifest-names.mjs'].map((file) => fileURLToPath(new URL(file, import.meta.url)));

export const SETS = [
  { id: 'generated', title: 'generated', seed: DEFAULT_SEED, names: 'common' },
  { id: 'other-names', title: 'other names', seed: 20261215, names: 'unique' },
];
export const SET_IDS = SETS.map((set) => set.id);

function generatorHash() {
  const hash = crypto.createHash('sha1');
  for (const file of GENERATOR_FILES) hash.update(fs.readFileSync(file));
  return hash.digest('hex');
}

function manifestFiles(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((name) => /^deployment-\d+\.json$/.test(name)).sort();
}

function readMarker(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

function sizeStats(dir, files) {
  const sized = files.map((name) => ({ name, bytes: fs.statSync(path.join(dir, name)).size }));
  const sorted = sized.map((f) => f.bytes).sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
  const smallest = sized.reduce((best, f) => (f.bytes < best.bytes ? f : best));
  return {
    files: files.length,
    totalBytes: sorted.reduce((sum, b) => sum + b, 0),
    minBytes: sorted[0],
    p10Bytes: at(0.1),
    medianBytes: at(0.5),
    p90Bytes: at(0.9),
    maxBytes: sorted.at(-1),
    smallestFile: path.join(dir, smallest.name),
  };
}

/**
 * The folder of `set` at `count` files under `root`, generated unless its marker says the same
 * generator already wrote it. The marker sits beside the folder, so every *.json inside is a manifest.
 */
export function ensureSet(root, set, count, log) {
  const dir = path.join(root, set.id, String(count));
  const markerFile = `${dir}.marker.json`;
  const want = { seed: set.seed, names: set.names, count, generatorVersion: GENERATOR_VERSION, generatorHash: generatorHash() };
  const marker = readMarker(markerFile);
  const same = marker && Object.entries(want).every(([key, value]) => marker[key] === value);
  let generateMs = null;
  if (!same || manifestFiles(dir).length !== count) {
    log(`generating ${count.toLocaleString('en-US')} manifests of the ${set.title} set into ${dir}`);
    fs.rmSync(markerFile, { force: true });
    const start = performance.now();
    generateManifests({ count, seed: set.seed, names: set.names, outDir: dir });
    generateMs = performance.now() - start;
    fs.writeFileSync(markerFile, `${JSON.stringify({ ...want, writtenAt: new Date().toISOString() }, null, 2)}\n`);
  }
  const files = manifestFiles(dir);
  return { set: set.id, count, dir, names: files.map((name) => path.join(dir, name)), generateMs, ...sizeStats(dir, files) };
}
