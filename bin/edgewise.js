#!/usr/bin/env node
'use strict';
// Entry point, CommonJS (bin/package.json): an ES module entry would start Node's ES module loader
// before any edgewise code runs. The manifest commands run from the start-up bundle and its V8
// code cache (dist/bin/launch.cjs, from src/cli/startup-*.ts); the other commands, or a build
// without the bundle, from the ES module build. Both are built by `npm install` / `npm run build`.
const { join } = require('node:path');

function startFromBundle() {
  let launch;
  try {
    launch = require('../dist/bin/launch.cjs');
  } catch (error) {
    if (error && error.code === 'MODULE_NOT_FOUND') return false;
    throw error;
  }
  return launch.start(process.argv, join(__dirname, '..', 'dist', 'bin'));
}

function failed(error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('edgewise: not built yet; run `npm install` (or `npm run build`) in the edgewise folder\n');
  } else {
    process.stderr.write(`edgewise: internal error: ${error && error.message}\n`);
  }
  process.exitCode = 2;
}

let started = false;
try {
  started = startFromBundle();
} catch (error) {
  started = true;
  failed(error);
}
if (!started) import('../dist/bin/main.js').catch(failed);
