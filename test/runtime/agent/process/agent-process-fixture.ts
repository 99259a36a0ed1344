// A stand-in agent for the tests of what happens when the agent's process ends: it starts one
// module (a sleeper that starts a grandchild of its own) with the process backend, prints the
// pids as one JSON line, then ends as told on stdin: `exit` (process.exit), `throw` (an uncaught
// error). The test kills it with SIGKILL for the third way. Bundled by esbuild at test time.
import { createInterface } from 'node:readline';
import { createProcessBackend, type ProcessModuleHandle } from '../../../../src/runtime/agent/process/process-backend.js';
import { launchOf, modulesFileOf, nodeModule } from './process-support.js';

const dataFolder = process.argv[2]!;
const script = [
  "const grandchild = require('node:child_process').spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });",
  "console.log('grandchild ' + grandchild.pid);",
  'setInterval(() => {}, 1000);',
].join('\n');
const backend = createProcessBackend({ modulesFile: modulesFileOf({ sleeper: nodeModule(script, dataFolder) }), dataFolder, log: (line) => process.stderr.write(`${line}\n`) });
const handle = (await backend.create(launchOf(dataFolder, 'sleeper'))) as ProcessModuleHandle;
await backend.start(handle);
process.stdout.write(`${JSON.stringify({ pid: handle.pid })}\n`);
for await (const line of createInterface({ input: process.stdin })) {
  if (line === 'exit') process.exit(0);
  if (line === 'throw') setImmediate(() => {
    throw new Error('the agent crashed');
  });
}
