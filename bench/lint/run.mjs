// Lint throughput: the same harness and data as bench/validate, whose table has the
// `edgewise lint` row beside ajv-cli, `edgewise validate` and the JSON.parse floor.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const harness = fileURLToPath(new URL('../validate/run.mjs', import.meta.url));
const result = spawnSync(process.execPath, [harness, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exitCode = result.status ?? 1;
