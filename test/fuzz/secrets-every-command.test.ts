// Issue 16, "Bad input", secrets: registry passwords, secret-named env values, connection strings
// in any variable (HostName=…;SharedAccessKey=…) and secrets inside createOptions Env arrays are
// masked in every format of every command, and never written back masked. The battery of issue 9
// (test/hardening/secrets-battery.test.ts, with the planted manifests of planted-secrets.ts: a
// real public template, Azure-Samples/iot-edge-influxdb-grafana's, filled in) covers validate,
// lint, convert, diff, patch, merge, offline and gen. This file covers what it leaves out:
//   - lint --fix and --fix-dry-run in every format, and the fixed files: every secret kept as it
//     was, no mask written into them;
//   - init: a secret given with --set (an unknown parameter, a known one, or a value without its
//     name, which init used to echo) is not printed;
//   - run (connection string in EDGEWISE_CONNECTION_STRING, and with --connection-string) and
//     cloud deploy refusing a manifest with errors (their own finding lines);
//   - a running hub (`edgewise run`) whose connection string (in the environment) carries a key,
//     with a cloud that cannot be reached: its log, `hub status`, and the files in its data folder.
// Injected: the planted manifests (JSON and YAML, broken and clean) once per command and format.
// Checked: no planted secret, nor any 6-character run of one, in stdout, stderr or a report; the
// files a command writes keep the secrets and hold no "****".
import { copyFileSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { edgewise, scratchFolder, type CliRun } from '../hardening/loader-cli.js';
import { leaksIn, plantedManifest, SECRETS } from '../hardening/planted-secrets.js';
import { runEdgewise, startEdgewise } from './support/cli-process.js';

const MASK = '****';
const FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github'];
const MANIFESTS = ['broken.json', 'broken.yaml', 'clean.json', 'clean.yaml'];
/** The connection string the hub is given: its key is a planted secret. */
const CONNECTION_STRING = `HostName=127.0.0.1:9;DeviceId=edge-device;SharedAccessKey=${SECRETS.hubKey}`;

/** The hub's log line when the cloud its connection string names cannot be reached. */
const REFUSED_BY_CLOUD = /cannot reach the cloud at 127\.0\.0\.1/;

let dir: string;
const at = (file: string): string => join(dir, file);

/** edgeHub on Mqtt and edgeAgent unset, so that upstream-protocol has a fix for lint --fix to write. */
function fixable(manifest: any): any {
  const system = manifest.modulesContent.$edgeAgent['properties.desired'].systemModules;
  delete system.edgeAgent.env?.UpstreamProtocol;
  system.edgeHub.env = { ...system.edgeHub.env, UpstreamProtocol: { value: 'Mqtt' } };
  return manifest;
}

beforeAll(() => {
  dir = scratchFolder('secrets-every');
  for (const shape of ['broken', 'clean'] as const) {
    writeFileSync(at(`${shape}.json`), `${JSON.stringify(fixable(plantedManifest(shape)), null, 2)}\n`);
    writeFileSync(at(`${shape}.yaml`), stringify(fixable(plantedManifest(shape, 'a', true))));
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cli(args: string[], codes: readonly number[] = [0, 1], env?: NodeJS.ProcessEnv): CliRun {
  const run = edgewise(args, { cwd: dir, ...(env ? { env } : {}) });
  expect(run.signal, run.stderr).toBeNull();
  expect(codes, `${args.join(' ')}\n${run.stderr}`).toContain(run.code);
  expect(run.stderr).not.toMatch(/internal error/);
  return run;
}

const leaksOfRun = (label: string, run: { stdout: string; stderr: string }): string[] => [...leaksIn(`${label} stdout`, run.stdout), ...leaksIn(`${label} stderr`, run.stderr)];

/** The secrets of a planted file as it stands, each of which a file written from it must still hold. */
function secretsIn(text: string): string[] {
  return Object.values(SECRETS).filter((secret) => text.includes(secret) || text.includes(JSON.stringify(secret).slice(1, -1)));
}

describe('lint --fix and --fix-dry-run', () => {
  it.each(FORMATS)('-f %s: nothing printed or reported shows a secret', (format) => {
    const leaks: string[] = [];
    const copies = MANIFESTS.map((file) => {
      copyFileSync(at(file), at(`${format}-${file}`));
      return `${format}-${file}`;
    });
    leaks.push(...leaksOfRun(`lint --fix-dry-run -f ${format}`, cli(['lint', '--fix-dry-run', '-f', format, ...copies])));
    const fixed = cli(['lint', '--fix', '-f', format, ...copies, '-o', `${format}-report.txt`, '-f', 'stylish']);
    leaks.push(...leaksOfRun(`lint --fix -f ${format}`, fixed));
    leaks.push(...leaksIn(`lint --fix -f ${format} report`, readFileSync(at(`${format}-report.txt`), 'utf8')));
    expect(leaks).toEqual([]);
  });

  it('the fixed files keep every secret as it was, and no mask', () => {
    for (const file of MANIFESTS) copyFileSync(at(file), at(`kept-${file}`));
    cli(['lint', '--fix', ...MANIFESTS.map((file) => `kept-${file}`)]);
    for (const file of MANIFESTS) {
      const before = readFileSync(at(file), 'utf8');
      const after = readFileSync(at(`kept-${file}`), 'utf8');
      expect(after, `lint --fix must have fixed ${file}, or this proves nothing`).not.toBe(before);
      expect(after).toMatch(/UpstreamProtocol/);
      const secrets = secretsIn(before);
      expect(secrets.length, file).toBeGreaterThan(10);
      expect(secretsIn(after), file).toEqual(secrets);
      expect(after.includes(MASK), `${file} after --fix holds ${MASK}`).toBe(before.includes(MASK));
    }
  });
});

describe('init', () => {
  it('never prints a secret given with --set, whether the parameter exists or not', () => {
    const leaks: string[] = [];
    leaks.push(...leaksOfRun('init --set unknown', cli(['init', '-t', 'offline', '--set', `CONTAINER_REGISTRY_PASSWORD=${SECRETS.registryPassword}`, '-o', 'init-unknown.json'], [2])));
    leaks.push(...leaksOfRun('init --set name only', cli(['init', '-t', 'offline', '--set', SECRETS.credential, '-o', 'init-name.json'], [2])));
    // Exit 0: the offline template with this storage path lints clean, so the file is written.
    const known = cli(['init', '-t', 'offline', '--set', `EDGEHUB_STORAGE_PATH=/srv/HostName=h;SharedAccessKey=${SECRETS.accountKey}`, '-o', 'init-known.json', '--force'], [0]);
    leaks.push(...leaksOfRun('init --set known', known));
    expect(leaks).toEqual([]);
    // The written file holds the value as given, unmasked.
    const written = readFileSync(at('init-known.json'), 'utf8');
    expect(written).toContain(SECRETS.accountKey);
    expect(written).not.toContain(MASK);
  });
});

describe('run and cloud deploy refusing a manifest with errors', () => {
  it.each(['broken.json', 'broken.yaml'])('%s: the refusal shows no secret', (file) => {
    const leaks: string[] = [];
    const withEnv = cli(['run', file, '--data', at(`run-refused-${file}`)], [1], { EDGEWISE_CONNECTION_STRING: CONNECTION_STRING });
    expect(withEnv.stderr).toMatch(/refused to run/);
    leaks.push(...leaksOfRun(`run ${file} (connection string in the environment)`, withEnv));
    leaks.push(...leaksOfRun(`run ${file} --connection-string`, cli(['run', file, '--connection-string', CONNECTION_STRING, '--data', at(`run-refused-${file}`)], [1])));
    const deploy = cli(['cloud', 'deploy', 'edge-device', file, '--data', at('no-cloud')], [1]);
    expect(deploy.stderr).toMatch(/refused to apply/);
    leaks.push(...leaksOfRun(`cloud deploy ${file}`, deploy));
    expect(leaks).toEqual([]);
  });
});

describe('a running hub whose upstream refuses it', () => {
  it('prints no secret of its connection string or manifest in its log, hub status, or its data folder', async () => {
    const data = at('hub-data');
    const running = startEdgewise(['run', 'clean.json', '--force', '--data', data, '--address', '127.0.0.1', '--mqtt-port', '0', '--https-port', '0'], {
      cwd: dir,
      env: { EDGEWISE_CONNECTION_STRING: CONNECTION_STRING },
    });
    const stderr: string[] = [];
    running.child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    // Until the hub has tried the cloud with its key and logged the refusal.
    const deadline = Date.now() + 45_000;
    while (!REFUSED_BY_CLOUD.test(stderr.join('')) && Date.now() < deadline && running.child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 200));
    const status = await runEdgewise(['hub', 'status', '--data', data]);
    expect(status.code, status.stderr).toBe(0);
    running.child.kill('SIGTERM');
    const ended = await running.done;
    const leaks = [...leaksOfRun('edgewise run', ended), ...leaksOfRun('hub status', status)];
    for (const file of filesUnder(data)) leaks.push(...leaksIn(`data folder ${file}`, readFileSync(file, 'latin1')));
    expect(leaks).toEqual([]);
    expect(ended.stderr, 'the hub must have tried the cloud, or this proves nothing').toMatch(REFUSED_BY_CLOUD);
    expect(ended.code, ended.stderr).toBe(0);
  }, 60_000);
});

/** Every regular file under a folder (the hub's store is binary: read as latin1, its text shows). */
function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .map((name) => join(folder, name))
    .filter((path) => {
      try {
        return statSync(path).isFile();
      } catch {
        return false;
      }
    });
}
