// The input shapes of issue 9 ("time that grows faster than the input"), each a function of a
// scale n that returns the files to write and the edgewise command to run on them. At n = 100
// each shape is the size the issue reported (e.g. 200,000 duplicate keys), so 1×, 10× and 100×
// are n = 1, 10 and 100. Used by the scaling benchmark (bench/scaling/run.mjs); the tests count
// work on smaller inputs instead (test/hardening/linear-cost.test.ts).
import YAML from 'yaml';

/** A deployment manifest of the usual shape: the system modules, no user module, one route. */
function baseManifest() {
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '', registryCredentials: {} } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: {
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              settings: {
                image: 'mcr.microsoft.com/azureiotedge-hub:1.5',
                createOptions: JSON.stringify({ HostConfig: { PortBindings: { '5671/tcp': [{ HostPort: '5671' }], '8883/tcp': [{ HostPort: '8883' }], '443/tcp': [{ HostPort: '443' }] } } }),
              },
            },
          },
          modules: {},
        },
      },
      $edgeHub: {
        'properties.desired': {
          schemaVersion: '1.1',
          routes: { upstream: { route: 'FROM /messages/* INTO $upstream', priority: 0, timeToLiveSecs: 7200 } },
          storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
        },
      },
    },
  };
}

const agent = (manifest) => manifest.modulesContent.$edgeAgent['properties.desired'];
const hub = (manifest) => manifest.modulesContent.$edgeHub['properties.desired'];

function sensorModule(index, createOptions = { HostConfig: { Binds: [`/srv/sensor${index}:/data`] } }) {
  return {
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image: `contoso.azurecr.io/sensor${index}:1.0.${index}`, createOptions: JSON.stringify(createOptions) },
  };
}

const json = (value) => JSON.stringify(value, null, 2) + '\n';

/** Each shape: what it is, which command, and the files for scale n (paths relative to a work folder). */
export const SHAPES = [
  {
    id: 'port-bindings',
    what: 'one createOptions PortBindings list of 160·n numbers (each a schema error)',
    command: ['lint', 'm.json', '--format', 'json'],
    files(n) {
      const m = baseManifest();
      const ports = Array.from({ length: 160 * n }, (_, i) => 10000 + i);
      agent(m).modules.gateway = sensorModule(0, { HostConfig: { PortBindings: { '80/tcp': ports } } });
      return { 'm.json': json(m) };
    },
  },
  {
    id: 'modules',
    what: '600·n small modules with createOptions, compact JSON',
    command: ['lint', 'm.json', '--format', 'json'],
    files(n) {
      const m = baseManifest();
      for (let i = 0; i < 600 * n; i++) {
        agent(m).modules[`m${i}`] = { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: `acr.io/m${i}:1`, createOptions: '{}' } };
      }
      return { 'm.json': JSON.stringify(m) };
    },
  },
  {
    id: 'create-options-keys',
    what: 'one createOptions with 1,000·n unknown keys',
    command: ['lint', 'm.json', '--format', 'json'],
    files(n) {
      const m = baseManifest();
      const options = {};
      for (let i = 0; i < 1000 * n; i++) options[`Option${i}`] = i;
      agent(m).modules.gateway = sensorModule(0, options);
      return { 'm.json': json(m) };
    },
  },
  {
    id: 'duplicate-keys',
    what: '2,000·n duplicate keys in one object',
    command: ['lint', 'm.json', '--format', 'json'],
    files(n) {
      const m = baseManifest();
      const text = json(m);
      const duplicates = Array.from({ length: 2000 * n }, (_, i) => `"priority": ${i}`).join(', ');
      return { 'm.json': text.replace('"priority": 0', `${duplicates}, "priority": 0`) };
    },
  },
  {
    id: 'duplicate-keys-validate',
    what: '2,000·n duplicate keys in one object (validate: 200,000 overflowed the stack)',
    command: ['validate', 'm.json', '--format', 'json'],
    files(n) {
      return SHAPES.find((shape) => shape.id === 'duplicate-keys').files(n);
    },
  },
  {
    id: 'routes-diff',
    what: 'diff of two manifests of 1,000·n routes (every tenth changed)',
    command: ['diff', 'a.json', 'b.json', '--format', 'json'],
    files(n) {
      const a = baseManifest();
      const b = baseManifest();
      for (let i = 0; i < 1000 * n; i++) {
        hub(a).routes[`r${i}`] = `FROM /messages/modules/m${i}/* INTO $upstream`;
        hub(b).routes[`r${i}`] = `FROM /messages/modules/m${i}/${i % 10 === 0 ? 'outputs/alerts' : '*'} INTO $upstream`;
      }
      return { 'a.json': json(a), 'b.json': json(b) };
    },
  },
  {
    id: 'routes-convert',
    what: 'convert of 1,000·n routes to YAML',
    command: ['convert', 'm.json', '--to', 'yaml'],
    files(n) {
      const m = baseManifest();
      for (let i = 0; i < 1000 * n; i++) hub(m).routes[`r${i}`] = `FROM /messages/modules/m${i}/* INTO $upstream`;
      return { 'm.json': json(m) };
    },
  },
  {
    id: 'routes-convert-back',
    what: 'convert of 1,000·n routes from YAML to JSON',
    command: ['convert', 'm.yaml', '--to', 'json'],
    files(n) {
      let text = 'modulesContent:\n  $edgeAgent:\n    properties.desired:\n      schemaVersion: "1.1"\n      runtime:\n        type: docker\n        settings:\n          minDockerVersion: v1.25\n      systemModules:\n        edgeAgent:\n          type: docker\n          settings:\n            image: mcr.microsoft.com/azureiotedge-agent:1.5\n            createOptions: "{}"\n        edgeHub:\n          type: docker\n          status: running\n          restartPolicy: always\n          settings:\n            image: mcr.microsoft.com/azureiotedge-hub:1.5\n            createOptions: "{}"\n      modules: {}\n  $edgeHub:\n    properties.desired:\n      schemaVersion: "1.1"\n      routes:\n';
      for (let i = 0; i < 1000 * n; i++) text += `        r${i}: FROM /messages/modules/m${i}/* INTO $upstream\n`;
      return { 'm.yaml': `${text}      storeAndForwardConfiguration:\n        timeToLiveSecs: 7200\n` };
    },
  },
  {
    id: 'offline-array',
    what: 'offline enable on a manifest holding a 2,000·n-item array',
    command: ['offline', 'enable', 'm.json', '--ttl', '86400'],
    files(n) {
      const m = baseManifest();
      m.modulesContent.sensor = { 'properties.desired': { calibration: Array.from({ length: 2000 * n }, (_, i) => i % 997) } };
      return { 'm.json': json(m) };
    },
  },
  {
    id: 'offline-array-yaml',
    what: 'offline enable on the same manifest written as YAML',
    command: ['offline', 'enable', 'm.yaml', '--ttl', '86400'],
    files(n) {
      return { 'm.yaml': YAML.stringify(JSON.parse(SHAPES.find((shape) => shape.id === 'offline-array').files(n)['m.json'])) };
    },
  },
  {
    id: 'lint-fix',
    what: 'lint --fix-dry-run on 60·n modules, each with a fixable finding (about 38 KB·n)',
    command: ['lint', '--fix-dry-run', 'm.json', '--format', 'json'],
    files(n) {
      const m = baseManifest();
      for (let i = 0; i < 60 * n; i++) {
        agent(m).modules[`sensor${i}`] = sensorModule(i, { HostConfig: { Devices: [{ PathOnHost: `/dev/ttyUSB${i}`, PathInContainer: `/dev/ttyUSB${i}`, CgroupPermissions: 'RW' }] } });
        agent(m).modules[`sensor${i}`].env = { Location: { value: `building ${i}, floor ${i % 12}, room ${i % 40}` }, Interval: { value: String(i % 60) } };
      }
      return { 'm.json': json(m) };
    },
  },
  {
    id: 'flow-yaml',
    what: '10,000·n levels of flow-mapping nesting in YAML (5 bytes a level)',
    command: ['validate', 'm.yaml', '--format', 'json'],
    files(n) {
      const depth = 10000 * n;
      return { 'm.yaml': `${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n` };
    },
  },
];
