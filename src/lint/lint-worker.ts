// Worker-thread entry of lint's parallel runs (run-in-parallel.ts); bundled as its own file.
import { serveSlice } from '../run/serve-slice.js';
import { lintInputs } from './lint-inputs.js';

await serveSlice(lintInputs);
