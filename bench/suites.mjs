// Every benchmark `npm run bench` runs, in order: its script, and the arguments for a full run
// and for --quick (a smoke run of the same shape). Each script prints Markdown on stdout.
export const SUITES = [
  {
    name: 'tooling',
    about: 'lint and validate against ajv-cli and the JSON.parse floor on two sets of 100–10,000 manifests; cold start; pre-commit batches; peak RSS',
    script: 'bench/tooling/run.mjs',
    full: [],
    quick: ['--quick'],
  },
  {
    name: 'large-manifest',
    about: 'lint and validate on one 5 MB manifest against ajv-cli and the JSON.parse floor: time and peak RSS',
    script: 'bench/tooling/large-manifest.mjs',
    full: [],
    quick: ['--quick'],
  },
  {
    name: 'routes',
    about: 'route condition parser against nesting depth and 10,000 random conditions, against the previous parser',
    script: 'bench/routes/run.mjs',
    full: ['--out', 'bench/routes/RESULTS.md'],
    quick: ['--runs', '1', '--count', '1000'],
  },
  {
    name: 'scaling',
    about: 'each pathological input shape at 1×, 10× and 100×: is the cost linear',
    script: 'bench/scaling/run.mjs',
    full: [],
    quick: ['--runs', '1', '--scales', '1,10'],
  },
  {
    name: 'hub',
    about: 'edge hub store-and-forward against mosquitto 2 with persistence (alone and bridging upstream): ingest, drain after a 60 s outage, latency online, TTL cleanup, kill -9, memory',
    script: 'bench/hub/run.mjs',
    full: [],
    quick: ['--quick'],
  },
];
