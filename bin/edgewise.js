#!/usr/bin/env node
// Entry point: the compiled CLI lives in dist/ (built by `npm install` / `npm run build`).
import('../dist/bin/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('edgewise: not built yet; run `npm install` (or `npm run build`) in the edgewise folder\n');
  } else {
    process.stderr.write(`edgewise: internal error: ${error && error.message}\n`);
  }
  process.exitCode = 2;
});
