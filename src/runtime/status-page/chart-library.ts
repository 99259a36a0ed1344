// The page's charting library, uPlot (a few dozen KB, no dependencies), served from its installed
// package: found through Node's resolution from this module, so it works from a checkout, from
// the bundled CLI in dist/bin and from an installed edgewise alike. Read once, when a page starts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ChartLibrary {
  script: Buffer;
  stylesheet: Buffer;
}

let loaded: ChartLibrary | undefined;

export function chartLibrary(): ChartLibrary {
  if (loaded !== undefined) return loaded;
  // The package's main file lies in its dist/ folder, beside the browser build and its stylesheet.
  const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
  loaded = { script: readFileSync(join(dist, 'uPlot.iife.min.js')), stylesheet: readFileSync(join(dist, 'uPlot.min.css')) };
  return loaded;
}
