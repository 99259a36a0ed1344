#!/usr/bin/env node
// Kept so that `node bench/validate/run.mjs [--quick] [--count N] [--reps N] [--cold-runs N]`
// still works: the validation benchmark is now the tooling benchmark (bench/tooling/), run as
// `npm run bench -- tooling`. --count N measures one size of N files.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2).flatMap((arg) => (arg === '--count' ? ['--sizes'] : arg.startsWith('--count=') ? [`--sizes=${arg.slice(8)}`] : [arg]));
const tooling = fileURLToPath(new URL('../tooling/run.mjs', import.meta.url));
const result = spawnSync(process.execPath, [tooling, ...args], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
