// --fix on YAML keeps comments and layout, and a fix inside a string createOptions re-chunks it.
import { describe, expect, it } from 'vitest';
import { fixSource } from '../../src/lint/fix-source.js';
import { RULES } from '../../src/rules/index.js';

const options = { rules: RULES, config: { rules: {} } };

const yaml = `# Offline gateway for line 3
modulesContent:
  $edgeAgent:
    properties.desired:
      schemaVersion: "1.1"
      runtime: {type: docker, settings: {}}
      systemModules:
        edgeAgent:
          type: docker
          settings: {image: "mcr.microsoft.com/azureiotedge-agent:1.5"}
        edgeHub:
          type: docker
          status: running
          restartPolicy: always
          settings: {image: "mcr.microsoft.com/azureiotedge-hub:1.5"}
          env:
            UpstreamProtocol: {value: Mqtt}   # the plant firewall only allows 8883
  $edgeHub:
    properties.desired:
      schemaVersion: "1.1"
      routes: {}
      storeAndForwardConfiguration: {timeToLiveSecs: 7200}
`;

describe('--fix on YAML', () => {
  it('adds UpstreamProtocol to edgeAgent and keeps every comment', async () => {
    const fixed = await fixSource({ file: 'deployment.yaml', text: yaml }, options);
    expect(fixed.fixed).toBe(1);
    expect(fixed.text).toContain('# Offline gateway for line 3');
    expect(fixed.text).toContain('# the plant firewall only allows 8883');
    expect(fixed.text).toMatch(/edgeAgent:\n {10}type: docker\n[\s\S]*?env:\n {12}UpstreamProtocol:\n {14}value: Mqtt/);
  });
});

describe('--fix inside string createOptions', () => {
  it('adds the storage bind, keeps PortBindings and re-chunks at 512 characters', async () => {
    const ports = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${8000 + i}/tcp`, [{ HostPort: String(8000 + i) }]]));
    const createOptions = JSON.stringify({ HostConfig: { PortBindings: ports } });
    const manifest = {
      modulesContent: {
        $edgeAgent: {
          'properties.desired': {
            schemaVersion: '1.1',
            runtime: { type: 'docker', settings: {} },
            systemModules: {
              edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
              edgeHub: {
                type: 'docker',
                status: 'running',
                restartPolicy: 'always',
                settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: createOptions.slice(0, 512), createOptions01: createOptions.slice(512) },
                env: { storageFolder: { value: '/iotedge/storage' } },
              },
            },
          },
        },
        $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: {}, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
      },
    };
    const fixed = await fixSource({ file: 'deployment.json', text: JSON.stringify(manifest, null, 2) }, options);
    const settings = JSON.parse(fixed.text).modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.settings as Record<string, string>;
    const chunks = Object.keys(settings).filter((key) => key.startsWith('createOptions')).sort();
    expect(chunks.every((key) => settings[key]!.length <= 512)).toBe(true);
    const joined = JSON.parse(chunks.map((key) => settings[key]).join(''));
    expect(joined.HostConfig.PortBindings).toEqual(ports);
    expect(joined.HostConfig.Binds).toEqual(['/srv/iotedge/edgehub:/iotedge/storage']);
  });
});
