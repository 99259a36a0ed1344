// Worker-thread entry of validate's parallel runs (run-in-parallel.ts); bundled as its own file.
import { serveSlice } from '../run/serve-slice.js';
import { validateInputs } from './validate-inputs.js';

await serveSlice(validateInputs);
