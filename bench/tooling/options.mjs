// The tooling benchmark's command line. Defaults are the issue's: 100, 1,000 and 10,000 files,
// 5 interleaved repetitions, 20 cold starts, a pre-commit run of 200 files in batches of 10.
// --quick is a smoke run of the same shape (a minute or so), for a test or a first look.
import path from 'node:path';
import { SET_IDS } from './data-sets.mjs';

export const USAGE = `usage: node bench/run.mjs tooling [--quick] [--sizes 100,1000,10000] [--sets ${SET_IDS.join(',')}]
       [--reps 5] [--cold-runs 20] [--precommit-files 200] [--batch 10] [--data DIR] [--json FILE]
       [--variant "lint --threads 1" ...]

  --variant "COMMAND OPTIONS"       also measure edgewise COMMAND (lint or validate) with these options, as a row of its own (repeatable)

  EDGEWISE_BASELINE=DIR             also measure the build in DIR (bin/ and dist/), interleaved: before/after
  EDGEWISE_BENCH_BUILD=DIR          measure the build in DIR instead of this tree's (a copy that nobody rebuilds mid-run)
  EDGEWISE_BENCH_EXTRA_ARGS="..."   arguments appended to every edgewise command`;

/** A mistake on the command line: the runner prints the message and the usage, and exits 2. */
export class UsageError extends Error {}

const positive = (name, text) => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} takes a positive integer, not "${text}"`);
  return n;
};

export function parseToolingOptions(argv, root) {
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${key} needs a value`);
      return v;
    };
    if (key === '--quick') given.quick = true;
    else if (key === '--sizes') given.sizes = value().split(',').map((s) => positive('--sizes', s));
    else if (key === '--sets') given.sets = value().split(',');
    else if (key === '--reps') given.reps = positive(key, value());
    else if (key === '--cold-runs') given.coldRuns = positive(key, value());
    else if (key === '--precommit-files') given.precommitFiles = positive(key, value());
    else if (key === '--batch') given.batch = positive(key, value());
    else if (key === '--data') given.data = path.resolve(value());
    else if (key === '--json') given.json = path.resolve(value());
    else if (key === '--variant') {
      const variant = value();
      if (!/^\s*(lint|validate)(\s|$)/.test(variant)) throw new UsageError(`--variant takes "lint OPTIONS" or "validate OPTIONS", not "${variant}"`);
      (given.variants ??= []).push(variant);
    }
    else if (key === '--help' || key === '-h') given.help = true;
    else throw new UsageError(`unknown argument: ${argv[i]}`);
  }
  const quick = given.quick === true;
  const options = {
    help: given.help === true,
    quick,
    sizes: [...new Set(given.sizes ?? (quick ? [100, 1000] : [100, 1000, 10000]))].sort((a, b) => a - b),
    sets: given.sets ?? SET_IDS,
    reps: given.reps ?? (quick ? 1 : 5),
    coldRuns: given.coldRuns ?? (quick ? 3 : 20),
    coldWarmups: quick ? 1 : 3,
    precommitFiles: given.precommitFiles ?? (quick ? 20 : 200),
    batch: given.batch ?? 10,
    data: given.data ?? path.join(root, 'bench/.data/tooling'),
    json: given.json ?? path.join(root, 'bench/.data/tooling-results.json'),
    variants: given.variants ?? [],
  };
  const unknown = options.sets.filter((id) => !SET_IDS.includes(id));
  if (unknown.length) throw new UsageError(`unknown set ${unknown.join(', ')}: choose from ${SET_IDS.join(', ')}`);
  if (!options.sets.includes('generated')) throw new UsageError('--sets must include generated (cold start and pre-commit use it)');
  if (options.precommitFiles > options.sizes.at(-1)) throw new UsageError(`--precommit-files ${options.precommitFiles} is more than the largest size, ${options.sizes.at(-1)}`);
  return options;
}
