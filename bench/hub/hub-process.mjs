#!/usr/bin/env node
// The edge hub as `edgewise run` starts it without modules (startHub from a build's dist/, with the
// options run.ts gives it), plus the one setting `edgewise run` does not expose: how often the
// expiry cleanup runs (60 s there). The TTL benchmark starts its hubs here so that a cleanup pass
// begins seconds after the start instead of a minute; ingest, the store and the cleanup itself are
// the same code. `edgewise run`'s lint gate is left out: the benchmark's manifest passes it.
//
//   node bench/hub/hub-process.mjs --build DIR --cleanup-interval-ms N MANIFEST --connection-string CS
//        --data DIR [--cloud-ca FILE] [--cloud-https-port N] [--address A] [--mqtt-port N] [--https-port N] [--sync]
//
// Runs until SIGTERM or SIGINT, then closes the hub (hub.json removed) and exits 0.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

function parse(argv) {
  const options = { sync: false };
  const numbers = new Set(['--cleanup-interval-ms', '--cloud-https-port', '--mqtt-port', '--https-port']);
  const names = { '--build': 'build', '--cleanup-interval-ms': 'cleanupIntervalMs', '--connection-string': 'connectionString', '--data': 'data', '--cloud-ca': 'cloudCa', '--cloud-https-port': 'cloudHttpsPort', '--address': 'address', '--mqtt-port': 'mqttPort', '--https-port': 'httpsPort' };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--sync') options.sync = true;
    else if (names[arg]) options[names[arg]] = numbers.has(arg) ? Number(argv[++i]) : argv[++i];
    else if (!arg.startsWith('-') && options.manifest === undefined) options.manifest = arg;
    else throw new Error(`hub-process: unknown argument ${arg}`);
  }
  for (const needed of ['build', 'manifest', 'connectionString', 'data']) if (options[needed] === undefined) throw new Error(`hub-process: ${needed} is missing`);
  return options;
}

const options = parse(process.argv.slice(2));
const dist = (file) => import(pathToFileURL(path.join(path.resolve(options.build), 'dist', file)).href);
const [{ startHub, createHubLog }, { parseManifestText }, { normalizeManifest }] = await Promise.all([
  dist('runtime/hub/index.js'),
  dist('manifest/read-manifest-document.js'),
  dist('manifest/normalize-manifest.js'),
]);
const file = path.resolve(options.manifest);
const document = await parseManifestText(file, fs.readFileSync(file, 'utf8'));
const manifest = await normalizeManifest(document.value, { flavour: 'manifest', file: document.file });
const log = createHubLog((text) => process.stderr.write(text));
const hub = await startHub({
  dataFolder: options.data,
  manifest,
  connectionString: options.connectionString,
  cloudCa: options.cloudCa === undefined ? undefined : fs.readFileSync(options.cloudCa, 'utf8'),
  cloudHttpsPort: options.cloudHttpsPort,
  address: options.address,
  mqttPort: options.mqttPort,
  httpsPort: options.httpsPort,
  sync: options.sync,
  cleanupIntervalMs: options.cleanupIntervalMs,
  log: (line) => log(`edgewise hub: ${line}`),
});
process.stdout.write(`hub-process: edge hub on mqtts://${hub.info.mqtt.host}:${hub.info.mqtt.port}, expiry cleanup every ${options.cleanupIntervalMs ?? 60_000} ms\n`);
let closing;
for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    closing ??= hub.close().then(() => process.exit(0), (error) => {
      process.stderr.write(`hub-process: close failed: ${error.message}\n`);
      process.exit(1);
    });
  });
}
