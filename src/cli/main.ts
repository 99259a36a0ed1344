// Command-line wiring only: flags to the command adapters (commands/*.ts), their results to
// stdout/stderr/files (emit.ts), errors to exit codes. Exit codes follow ESLint: 0 clean,
// 1 findings, 2 usage or internal error.
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { checkFormat, formatNames } from '../report/formatters.js';
import { EdgewiseError, InputError } from '../errors.js';
// validate is the start-up-critical path: loaded with the CLI, not as a separate chunk.
import { runValidate } from './commands/validate.js';
import { emit } from './emit.js';
import { refuseOutputsOverInputs } from './output-paths.js';
import { requestedThreads } from '../run/thread-count.js';
import { wantsColor } from './wants-color.js';
import { fileProgressBar } from './progress-bar.js';
import { watchedTerminal } from './watched-terminal.js';

const USAGE_ERROR = 2;
const VERSION = '0.1.0';

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

function nonNegativeInteger(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number, e.g. --max-warnings 0');
  return Number(value);
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number of seconds, e.g. --ttl 86400 (-1 keeps messages forever)');
  return Number(value);
}

function positiveNumber(value: string): number {
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) throw new InvalidArgumentError('expected a positive number, e.g. --rate 10');
  return number;
}

/** `argv[2]` names the command, so that a check (every pre-commit run) registers only what it uses. */
function buildProgram(command: string | undefined): Command {
  const program = new Command('edgewise')
    .description('Validate, lint, generate, compare and merge Azure IoT Edge deployment manifests')
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  const flavourOption = new Option('--flavour <flavour>', 'treat inputs as concrete manifests or as templates (default: by file name and content)').choices(['manifest', 'template']);
  const threadsOption = new Option('--threads <n>', 'threads that check files (0 or 1: none besides the main one; default: by file count and free cores, or $EDGEWISE_THREADS)');

  program
    .command('validate')
    .description('check manifests against the IoT Edge schemas (files, folders, or - for stdin)')
    .argument('[paths...]', 'manifest files or folders; - reads stdin', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames('validate')).default('stylish'))
    .addOption(flavourOption)
    .addOption(threadsOption)
    .action(async (paths: string[], options: { format: string; flavour?: Flavour; threads?: string }) => {
      const threads = requestedThreads(options.threads, process.env.EDGEWISE_THREADS);
      emit(await runValidate(paths, { format: options.format, flavour: options.flavour, threads, color: wantsColor(process.stdout, process.env), progress: fileProgressBar('validating', process, process.env) }));
    });

  program
    .command('lint')
    .description('validate, then check manifests against the IoT Edge rule catalogue')
    .argument('[paths...]', 'manifest files or folders; - reads stdin', ['.'])
    .option('-f, --format <format>', `output format, repeatable: ${formatNames('lint').join(', ')} (default stylish)`, collect)
    .option('-o, --output <file>', 'write the report of the format at the same position to a file, repeatable', collect)
    .option('-c, --config <file>', 'use this config instead of the nearest .edgewise.yaml / .edgewise.json')
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this', nonNegativeInteger)
    .option('--quiet', 'report errors only')
    .option('--fix', 'apply fixes to the files and list each change (suggestions are never applied)')
    .option('--fix-dry-run', 'print the fixes as a unified diff and report what remains; never writes, even with --fix')
    .addOption(flavourOption)
    .addOption(threadsOption)
    .action(async (paths: string[], options: { format?: string[]; output?: string[]; config?: string; maxWarnings?: number; quiet?: boolean; fix?: boolean; fixDryRun?: boolean; flavour?: Flavour; threads?: string }) => {
      const threads = requestedThreads(options.threads, process.env.EDGEWISE_THREADS);
      const formats = options.format ?? ['stylish'];
      const outputs = options.output ?? [];
      for (const format of formats) checkFormat('lint', format);
      if (outputs.length > formats.length) throw new InputError('each --output needs a --format before it, e.g. --format sarif --output edgewise.sarif');
      await refuseOutputsOverInputs(outputs, paths);
      const { runLint } = await import('./commands/lint.js');
      emit(
        await runLint(paths, {
          reports: formats.map((format, index) => ({ format, output: outputs[index] })),
          configFile: options.config,
          maxWarnings: options.maxWarnings,
          quiet: options.quiet,
          fix: options.fix,
          fixDryRun: options.fixDryRun,
          flavour: options.flavour,
          threads,
          color: wantsColor(process.stdout, process.env),
          toolVersion: VERSION,
          progress: fileProgressBar('linting', process, process.env),
        }),
      );
    });
  // The other commands' wiring is skipped: it is most of start-up left for a one-file lint.
  if (command === 'lint' || command === 'validate') return program;

  program
    .command('init')
    .description('write a starting manifest from a bundled template')
    .option('-t, --template <name>', 'template: minimal, offline, gateway or sensor-pipeline (see --list)', 'minimal')
    .option('-o, --output <file>', 'where to write it (- for stdout); default deployment.json')
    .option('--yaml', 'write YAML instead of JSON (also implied by -o *.yaml)')
    .option('--list', 'list the templates and their parameters')
    .option('--set <NAME=VALUE>', 'a template parameter, repeatable', collect)
    .option('--keep-params', 'write a template for `edgewise gen`, with ${NAME} placeholders')
    .option('--force', 'overwrite an existing file')
    .action(async (options: { template?: string; output?: string; yaml?: boolean; list?: boolean; set?: string[]; keepParams?: boolean; force?: boolean }) => {
      const { runInit } = await import('./commands/init.js');
      emit(await runInit(options));
    });

  program
    .command('gen')
    .description('generate deployment manifests from templates, as iotedgedev `solution genconfig` does')
    .argument('[templates...]', 'deployment templates (*.template.json); default $DEPLOYMENT_CONFIG_TEMPLATE_FILE, else deployment.template.json')
    .option('--env <file>', '.env file with variables (the real environment wins); default ./.env')
    .option('--platform <platform>', 'platform for ${MODULES.x} images and the output name (default $DEFAULT_PLATFORM, else amd64)')
    .option('-o, --output <file>', 'output file (- for stdout); default config/<name>.<platform>.json')
    .option('--config-dir <dir>', 'folder for generated manifests (default config)')
    .option('--modules-dir <dir>', 'folder with one folder per module (default modules)')
    .option('--allow-unresolved', 'keep unresolved placeholders (as warnings) instead of refusing to write')
    .option('--check', 'write nothing; exit 1, one line each, when a generated manifest is missing or differs from what gen would write (pre-commit, CI)')
    .action(async (templates: string[], options: { env?: string; platform?: string; output?: string; configDir?: string; modulesDir?: string; allowUnresolved?: boolean; check?: boolean }) => {
      await refuseOutputsOverInputs([options.output], templates);
      const { runGen } = await import('./commands/gen.js');
      emit(await runGen(templates, options));
    });

  const offline = program.command('offline').description('author and plan the offline (store-and-forward) settings');
  offline
    .command('enable')
    .description('set UpstreamProtocol, the store-and-forward TTL, storageFolder and its host bind')
    .argument('<manifest>', 'manifest to change (- for stdin)')
    .option('--ttl <seconds>', 'store-and-forward time to live (-1 keeps messages forever)', integer)
    .addOption(new Option('--protocol <protocol>', 'UpstreamProtocol for edgeHub and edgeAgent').choices(['Mqtt', 'MqttWs', 'Amqp', 'AmqpWs']))
    .option('--host-path <path>', 'edgeHub storage folder on the host (default /srv/iotedge/edgehub)')
    .option('--module-path <path>', 'storage folder inside the containers (default /iotedge/storage)')
    .option('--agent-host-path <path>', 'also give edgeAgent storage, in this host folder')
    .option('--in-place', 'rewrite the manifest itself')
    .option('-o, --output <file>', 'write the result here (default stdout)')
    .action(async (manifest: string, options: { ttl?: number; protocol?: 'Mqtt' | 'MqttWs' | 'Amqp' | 'AmqpWs'; hostPath?: string; modulePath?: string; agentHostPath?: string; inPlace?: boolean; output?: string }) => {
      if (options.inPlace && options.output) throw new InputError('use either --in-place or --output, not both');
      await refuseOutputsOverInputs([options.output], [manifest]);
      const { runOfflineEnable } = await import('./commands/offline-enable.js');
      emit(await runOfflineEnable(manifest, options));
    });
  offline
    .command('plan')
    .description('how long the device can stay offline before messages are lost, and why')
    .argument('<manifest>', 'manifest to plan for (- for stdin)')
    .requiredOption('--rate <msgs/s>', 'messages per second sent upstream', positiveNumber)
    .requiredOption('--size <size>', 'size of one message: bytes (512) or with a unit (4KB, 1KiB)')
    .option('--disk <size>', 'free disk for edgeHub storage, e.g. 8GB or 512MiB (KB, MB, GB: powers of 1000; KiB, MiB, GiB: of 1024)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames('offline-plan')).default('table'))
    .action(async (manifest: string, options: { rate: number; size: string; disk?: string; format: string }) => {
      const { runOfflinePlan } = await import('./commands/offline-plan.js');
      emit(await runOfflinePlan(manifest, { rate: options.rate, size: options.size, disk: options.disk, format: options.format }));
    });

  program
    .command('convert')
    .description('convert a manifest between JSON and YAML, losslessly (a format change only: lint errors are kept, with a warning)')
    .argument('<file>', 'manifest to convert (- for stdin)')
    .addOption(new Option('--to <format>', 'target format (default: the --output extension, else the other format of the input)').choices(['yaml', 'json']))
    .option('-o, --output <file>', 'write the result here (default stdout)')
    .addOption(new Option('--create-options <style>', 'createOptions as JSON text (string) or as a YAML mapping/JSON object (mapping)').choices(['string', 'mapping']))
    .action(async (file: string, options: { to?: 'yaml' | 'json'; output?: string; createOptions?: 'string' | 'mapping' }) => {
      await refuseOutputsOverInputs([options.output], [file]);
      const { runConvert } = await import('./commands/convert.js');
      emit(await runConvert(file, options));
    });

  program
    .command('diff')
    .description('compare two manifests by meaning: modules, routes, env, parsed createOptions, with the runtime impact')
    .argument('<paths...>', 'manifest A and manifest B (or the 7 or 9 arguments git passes to a diff driver)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames('diff')).default('text'))
    .option('--exit-code', 'exit 1 when the manifests differ in meaning, 0 when not')
    .option('--show-secrets', 'show secret values instead of masking them')
    .option('--layer <file>', 'a layered deployment merged onto B, repeatable (with --priority)', collect)
    .option('--priority <n>', 'priority of each --layer, in order', collect)
    .option('--layer-a <file>', 'a layered deployment merged onto A, repeatable (with --priority-a)', collect)
    .option('--priority-a <n>', 'priority of each --layer-a, in order', collect)
    .action(async (paths: string[], options: { format: string; exitCode?: boolean; showSecrets?: boolean; layer?: string[]; priority?: string[]; layerA?: string[]; priorityA?: string[] }) => {
      const [{ runDiff }, { gitDiffPaths, isGitDiffCall }, { pairLayers }] = await Promise.all([import('./commands/diff.js'), import('../diff/git-diff-args.js'), import('../merge/layer-args.js')]);
      if (!isGitDiffCall(paths) && paths.length !== 2) throw new InputError(`diff takes two manifests (A and B), got ${paths.length}`);
      const sides = isGitDiffCall(paths) ? gitDiffPaths(paths) : { pathA: paths[0]!, pathB: paths[1]! };
      emit(
        await runDiff(sides.pathA, sides.pathB, {
          ...sides,
          format: options.format,
          exitCode: options.exitCode,
          showSecrets: options.showSecrets,
          layersA: pairLayers(options.layerA ?? [], options.priorityA ?? []),
          layersB: pairLayers(options.layer ?? [], options.priority ?? []),
          color: wantsColor(process.stdout, process.env),
        }),
      );
    });

  program
    .command('patch')
    .description('apply an RFC 6902 JSON Patch to a manifest; the result is linted and refused if it has errors')
    .argument('<manifest>', 'the manifest to patch')
    .argument('<patch>', 'the JSON Patch file')
    .option('-o, --output <file>', 'write the result here instead of stdout')
    .addOption(flavourOption)
    .action(async (manifest: string, patch: string, options: { output?: string; flavour?: Flavour }) => {
      await refuseOutputsOverInputs([options.output], [manifest, patch]);
      const { runPatch } = await import('./commands/patch.js');
      emit(await runPatch(manifest, patch, options));
    });

  program
    .command('merge')
    .description('compute the effective manifest of a base deployment plus layered deployments; the result is linted')
    .argument('<base>', 'the base deployment')
    .argument('<layers...>', 'layered deployments')
    .option('--priority <n>', 'priority of each layer, in order, repeatable', collect)
    .option('-o, --output <file>', 'write the result here instead of stdout')
    .addOption(flavourOption)
    .action(async (base: string, layers: string[], options: { priority?: string[]; output?: string; flavour?: Flavour }) => {
      await refuseOutputsOverInputs([options.output], [base, ...layers]);
      const [{ runMerge }, { pairLayers }] = await Promise.all([import('./commands/merge.js'), import('../merge/layer-args.js')]);
      emit(await runMerge(base, pairLayers(layers, options.priority ?? []), { output: options.output, flavour: options.flavour }));
    });

  addCloudCommands(program);
  addHubCommands(program);
  addDemoCommands(program);

  program
    .command('rules')
    .description('list the lint rules')
    .addOption(new Option('-f, --format <format>', 'output format').choices(formatNames('rules')).default('text'))
    .action(async (options: { format: string }) => {
      const { runRules } = await import('./commands/rules.js');
      emit(await runRules(options));
    });

  program
    .command('schema')
    .description('print a JSON Schema for editors, self-contained for offline use (its $id is stable)')
    .option('--template', 'the template form: createOptions may be objects (deployment.template.json, YAML manifests)')
    .addOption(new Option('--part <part>', 'a whole manifest, or the part of one a file holds alone').choices(['manifest', 'edge-agent', 'edge-hub', 'create-options']).default('manifest'))
    .option('-o, --output <file>', 'write it to this file instead of stdout')
    .action(async (options: { template?: boolean; part: 'manifest' | 'edge-agent' | 'edge-hub' | 'create-options'; output?: string }) => {
      const { runSchema } = await import('./commands/schema.js');
      emit(runSchema(options));
    });
  return program;
}

function wholeNumber(example: string): (value: string) => number {
  return (value) => {
    if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`expected a whole number, e.g. ${example}`);
    return Number(value);
  };
}

function port(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535 (0: the system chooses)');
  return Number(value);
}

/** `edgewise cloud …`: the local IoT Hub (serve) and the verbs that talk to it through its REST API. */
function addCloudCommands(program: Command): void {
  const cloud = program.command('cloud').description('a local IoT Hub that the official Azure IoT SDKs use unchanged: try a deployment without Azure');
  const dataOption = (): Option => new Option('--data <dir>', 'the emulator\'s data folder').default('.edgewise/cloud');
  const verb = (parent: Command, name: string, description: string): Command =>
    parent.command(name).description(description).addOption(dataOption()).option('--json', 'print JSON');
  type Verb = { data: string; json?: boolean };

  cloud
    .command('serve')
    .description('run the emulator: MQTT for devices, HTTPS for the service API; writes DIR/cloud.json when ready, stops on Ctrl-C or SIGTERM')
    .addOption(dataOption())
    .option('--address <address>', 'address to listen on', '127.0.0.1')
    .option('--mqtt-port <port>', 'MQTT (TLS) port for devices', port, 18883)
    .option('--https-port <port>', 'HTTPS port for the service REST API (the service SDK reaches only 443)', port, 18443)
    .option('--name <name>', "the hub's host name, in its certificate and service connection string", 'local-hub')
    .action(async (options: { data: string; address: string; mqttPort: number; httpsPort: number; name: string }) => {
      const [{ runCloudServe }, { stopOnSignals }] = await Promise.all([import('./commands/cloud-serve.js'), import('./commands/cloud-stop-signal.js')]);
      const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text), stop: stopOnSignals() };
      emit(await runCloudServe(options, io));
    });

  const device = cloud.command('device').description('device identities');
  verb(device, 'add', 'add a device; prints its connection string')
    .argument('<id>', 'device id')
    .option('--edge', 'an IoT Edge device (gets $edgeAgent and $edgeHub)')
    .option('--parent <edgeId>', 'the edge device this device sits behind')
    .action(async (id: string, options: Verb & { edge?: boolean; parent?: string }) => {
      emit(await (await import('./commands/cloud-device.js')).runDeviceAdd(id, options));
    });
  verb(device, 'list', 'list the devices').action(async (options: Verb) => {
    emit(await (await import('./commands/cloud-device.js')).runDeviceList(options));
  });
  verb(device, 'show', 'show a device, its modules and connection string')
    .argument('<id>', 'device id')
    .action(async (id: string, options: Verb) => {
      emit(await (await import('./commands/cloud-device.js')).runDeviceShow(id, options));
    });
  verb(device, 'remove', 'remove a device with its modules and twins')
    .argument('<id>', 'device id')
    .action(async (id: string, options: Verb) => {
      emit(await (await import('./commands/cloud-device.js')).runDeviceRemove(id, options));
    });
  for (const [name, status] of [['disable', 'disabled'], ['enable', 'enabled']] as const) {
    verb(device, name, `${name} a device (a disabled device cannot connect)`)
      .argument('<id>', 'device id')
      .action(async (id: string, options: Verb) => {
        emit(await (await import('./commands/cloud-device.js')).runDeviceStatus(id, status, options));
      });
  }

  const moduleCommand = cloud.command('module').description('module identities');
  verb(moduleCommand, 'add', 'add a module to a device; prints its connection string')
    .argument('<deviceId>', 'device id')
    .argument('<moduleId>', 'module id')
    .action(async (deviceId: string, moduleId: string, options: Verb) => {
      emit(await (await import('./commands/cloud-module.js')).runModuleAdd(deviceId, moduleId, options));
    });

  const twin = cloud.command('twin').description('device and module twins');
  verb(twin, 'show', 'print a twin')
    .argument('<target>', 'DEVICE or DEVICE/MODULE')
    .action(async (target: string, options: Verb) => {
      emit(await (await import('./commands/cloud-twin.js')).runTwinShow(target, options));
    });
  verb(twin, 'update', 'merge a patch into the desired properties (null deletes); prints the twin')
    .argument('<target>', 'DEVICE or DEVICE/MODULE')
    .requiredOption('--desired <json>', 'the desired-properties patch, a JSON object')
    .action(async (target: string, options: Verb & { desired: string }) => {
      emit(await (await import('./commands/cloud-twin.js')).runTwinUpdate(target, options));
    });

  verb(cloud, 'invoke', 'call a direct method on a connected device or module; prints {"status", "payload"}')
    .argument('<target>', 'DEVICE or DEVICE/MODULE')
    .argument('<method>', 'method name')
    .option('--payload <json>', 'the request payload, JSON')
    .option('--timeout <seconds>', 'how long to wait for the answer (5 to 300, default 30)', wholeNumber('--timeout 60'))
    .action(async (target: string, method: string, options: Verb & { payload?: string; timeout?: number }) => {
      emit(await (await import('./commands/cloud-invoke.js')).runInvoke(target, method, options));
    });

  verb(cloud, 'deploy', 'lint a deployment manifest, then apply it to an edge device ($edgeAgent, $edgeHub and module twins)')
    .argument('<edgeId>', 'edge device id')
    .argument('<manifest>', 'deployment manifest (- for stdin)')
    .action(async (edgeId: string, manifest: string, options: Verb) => {
      emit(await (await import('./commands/cloud-deploy.js')).runDeploy(edgeId, manifest, options));
    });

  verb(cloud, 'send', 'queue a cloud-to-device message; the device receives it when connected (prints its message id)')
    .argument('<deviceId>', 'device id')
    .requiredOption('--body <text>', 'the message body, as text')
    .option('--property <key=value>', 'an application property (repeat for more)', (value: string, previous: string[] = []) => [...previous, value])
    .action(async (deviceId: string, options: Verb & { body: string; property?: string[] }) => {
      emit(await (await import('./commands/cloud-send.js')).runSend(deviceId, options));
    });

  verb(cloud, 'messages', 'print device-to-cloud messages in arrival order, as a JSON array')
    .option('--from <n>', 'start at this sequence number', wholeNumber('--from 1'))
    .option('--follow', 'keep printing new messages until Ctrl-C')
    .action(async (options: Verb & { from?: number; follow?: boolean }) => {
      const [{ runMessages }, { stopOnSignals }] = await Promise.all([import('./commands/cloud-messages.js'), import('./commands/cloud-stop-signal.js')]);
      const io = options.follow ? { write: (text: string) => process.stdout.write(text), stop: stopOnSignals() } : undefined;
      emit(await runMessages(options, io));
    });
}

/** `edgewise run` (the edge hub) and `edgewise hub …` (what a running hub says and does). */
function addHubCommands(program: Command): void {
  const dataOption = (): Option => new Option('--data <dir>', "the hub's data folder (store, identity cache, edge CA, hub.json)").default('.edgewise/hub');
  program
    .command('run')
    .description("run a deployment: the edge hub (MQTT for modules and child devices, store-and-forward to the cloud) and the agent that runs its modules; writes DIR/hub.json when ready, stops on Ctrl-C or SIGTERM")
    .argument('<manifest>', 'the deployment manifest whose $edgeHub routes and settings the hub runs')
    .option('--connection-string <cs>', "the edge device's connection string (default $EDGEWISE_CONNECTION_STRING)")
    .addOption(dataOption())
    .option('--cloud-ca <file>', "the CA the cloud's certificate chains to (the emulator's); default the system CAs")
    .option('--cloud-https-port <port>', "the cloud's HTTPS port, for the device-scope listing", port, 443)
    .option('--address <address>', 'address to listen on', '127.0.0.1')
    .option('--mqtt-port <port>', 'MQTT (TLS) port for modules and child devices', port, 8883)
    .option('--https-port <port>', 'HTTPS port of the gateway (module-to-module direct methods reach only 443)', port, 443)
    .option('--gateway-host-name <name>', 'the name clients put in GatewayHostName, written in the server certificate (default the address)')
    .option('--sync', 'flush every commit to disk before acknowledging it (survives a power cut; slower)')
    .option('--force', 'run a manifest that has lint errors')
    .addOption(new Option('--backend <name>', 'how the agent runs modules: process (child processes, needs --modules) or docker (containers)').choices(['process', 'docker']).default('process'))
    .option('--modules <file>', "the process backend's modules file (YAML): the command that runs each module; without it (and without --backend docker) the hub runs alone")
    .option('--docker-host <uri>', 'the Docker Engine API for --backend docker: unix:///path or tcp://host:port (default $DOCKER_HOST, else unix:///var/run/docker.sock)')
    .option('--with-cloud', 'first start a local emulator (edgewise cloud) seeded with the edge device and this deployment; no connection string needed')
    .option('--from-cloud', "run the cloud's $edgeAgent deployment instead of the manifest's modules")
    .option('--device-id <id>', 'with --with-cloud: the edge device the emulator holds (default edge-device)')
    .option('--cloud-data <dir>', "with --with-cloud: the emulator's data folder (default: cloud beside --data)")
    .option('--ui-port <port>', 'serve a live status page (modules, clients, upstream, a queue chart, a Cut/Restore button) on loopback at this port, 0: one the system chooses; its address is printed at start', port)
    .action(async (manifest: string, options: { connectionString?: string; data: string; cloudCa?: string; cloudHttpsPort: number; address: string; mqttPort: number; httpsPort: number; gatewayHostName?: string; sync?: boolean; force?: boolean; backend: string; modules?: string; dockerHost?: string; withCloud?: boolean; fromCloud?: boolean; deviceId?: string; cloudData?: string; uiPort?: number }) => {
      const [{ runRun }, { stopOnSignals }] = await Promise.all([import('./commands/run.js'), import('./commands/cloud-stop-signal.js')]);
      const io = { out: (text: string) => process.stdout.write(text), err: (text: string) => process.stderr.write(text), stop: stopOnSignals(['SIGINT', 'SIGTERM', 'SIGHUP']), env: process.env };
      emit(await runRun(manifest, options, io));
    });

  program
    .command('logs')
    .description("print what a module run by the process backend wrote (DIR/logs/MODULE.log); -f keeps printing until Ctrl-C")
    .argument('<module>', 'the module name')
    .addOption(dataOption())
    .option('-f, --follow', 'keep printing what the module writes until Ctrl-C')
    .option('--tail <n>', 'only the last N lines', wholeNumber('--tail 100'))
    .action(async (module: string, options: { data: string; follow?: boolean; tail?: number }) => {
      const [{ runLogs }, { stopOnSignals }] = await Promise.all([import('./commands/logs.js'), import('./commands/cloud-stop-signal.js')]);
      const io = options.follow ? { write: (text: string) => process.stdout.write(text), stop: stopOnSignals() } : undefined;
      emit(await runLogs(module, options, io));
    });

  const hub = program.command('hub').description('ask or drive the edge hub running on a data folder');
  hub
    .command('status')
    .description('print the running hub\'s status as JSON: upstream, clients, queues, store, counters')
    .addOption(dataOption())
    .action(async (options: { data: string }) => {
      emit(await (await import('./commands/hub-status.js')).runHubStatus(options));
    });
  hub
    .command('upstream')
    .description('simulate an outage (cut) and its end (restore) without stopping anything')
    .addArgument(new Argument('<action>', 'cut or restore').choices(['cut', 'restore']))
    .addOption(dataOption())
    .action(async (action: string, options: { data: string }) => {
      emit(await (await import('./commands/hub-upstream.js')).runHubUpstream(action, options));
    });
}

/** `edgewise demo …`: narrated scenarios run end to end on this machine. */
function addDemoCommands(program: Command): void {
  const demo = program.command('demo').description('run a narrated scenario end to end on this machine, checking what the documentation promises');
  demo
    .command('offline')
    .description("IoT Edge's offline scenario on loopback: the emulator, the edge hub and agent, the example's modules and a child device; configure, sync, an outage, reconnect and resync, each step checked (exit 0 only if every check held)")
    .option('--address <address>', 'the loopback address everything listens on', '127.0.0.1')
    .option('--outage-seconds <n>', 'how long the upstream stays cut, at least', wholeNumber('--outage-seconds 10'), 10)
    .option('--keep', 'keep the temporary folder: the data of the emulator and the hub, and the modules\' logs')
    .action(async (options: { address: string; outageSeconds: number; keep?: boolean }) => {
      const [{ runDemoOffline }, { stopOnSignals }] = await Promise.all([import('./commands/demo-offline.js'), import('./commands/cloud-stop-signal.js')]);
      const io = {
        out: (text: string) => void process.stdout.write(text),
        isTTY: watchedTerminal(process, process.env),
        columns: () => process.stdout.columns ?? 0,
        color: wantsColor(process.stdout, process.env),
        stop: stopOnSignals(['SIGINT', 'SIGTERM', 'SIGHUP']),
      };
      emit(await runDemoOffline(options, io));
    });
}

/** A reader that stops early (`| head`) closes the pipe: stop quietly, as other command-line tools do, not with a stack trace. */
function stopQuietlyOnClosedPipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
    process.exit(process.exitCode ?? 0);
  });
}

export async function main(argv: string[]): Promise<void> {
  stopQuietlyOnClosedPipe(process.stdout);
  try {
    await buildProgram(argv[2]).parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : USAGE_ERROR;
    } else if (error instanceof EdgewiseError) {
      process.stderr.write(`edgewise: ${(error as Error).message}\n`);
      process.exitCode = USAGE_ERROR;
    } else {
      const detail = process.env.EDGEWISE_DEBUG ? `\n${(error as Error).stack}` : ' (set EDGEWISE_DEBUG=1 for details)';
      process.stderr.write(`edgewise: internal error: ${(error as Error).message}${detail}\n`);
      process.exitCode = USAGE_ERROR;
    }
  }
}

void main(process.argv);
