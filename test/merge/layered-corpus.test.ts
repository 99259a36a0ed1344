// The layered deployments in the corpus, merged onto their standard deployments, give the
// expected effective manifests. Expectations are written independently of the merge code: a
// fixture edited by hand (cli-extension-layered.expected.json), or the base with the layer's
// module put in place here.
import { describe, expect, it } from 'vitest';
import { mergeLayers } from '../../src/merge/merge-layers.js';
import { CORPUS, MERGE_FIXTURES, readJson } from '../diff/diff-fixtures.js';
import { join } from 'node:path';

const corpus = (name: string): { file: string; value: unknown } => ({ file: name, value: readJson(join(CORPUS, name)) });
const CLI_BASE = 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment.json';
const CLI_LAYERED = 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json';
const CLI_SMOKE = 'Azure__azure-iot-cli-extension__scripts__smoke_tests__edge_deployment_content.json';
const LORA_BASE = 'Azure__iotedge-lorawan-starterkit__LoRaEngine__deployment.template.json';
const LORA_LAYER = 'Azure__iotedge-lorawan-starterkit__LoRaEngine__deployment_observability.layered.template.json';
const IOTEDGEDEV = 'Azure__iotedgedev__tests__assets__test_solution_shared_lib__layered_deployment.flattened_props.template.json';

describe('layered deployments of the corpus', () => {
  it('azure-iot-cli-extension: the layer replaces mymodule0, route0 and the twin settings', () => {
    const merged = mergeLayers(corpus(CLI_BASE), [{ ...corpus(CLI_LAYERED), priority: 10 }]);
    expect(merged.value).toEqual(readJson(join(MERGE_FIXTURES, 'cli-extension-layered.expected.json')));
    expect(merged.warnings).toEqual([]);
  });

  it('azure-iot-cli-extension: the smoke-test layer (same content) at another priority gives the same', () => {
    const merged = mergeLayers(corpus(CLI_BASE), [
      { ...corpus(CLI_SMOKE), priority: 20 },
      { ...corpus(CLI_LAYERED), priority: 10 },
    ]);
    expect(merged.applied.map((layer) => layer.priority)).toEqual([10, 20]);
    expect(merged.value).toEqual(readJson(join(MERGE_FIXTURES, 'cli-extension-layered.expected.json')));
  });

  it('iotedge-lorawan-starterkit: the observability layer adds the metrics collector and nothing else', () => {
    const base = corpus(LORA_BASE);
    const layer = corpus(LORA_LAYER);
    const expected = structuredClone(base.value) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: Record<string, unknown> } } } };
    const module = (layer.value as { modulesContent: { $edgeAgent: Record<string, unknown> } }).modulesContent.$edgeAgent['properties.desired.modules.IotHubMetricsCollectorModule'];
    expected.modulesContent.$edgeAgent['properties.desired'].modules.IotHubMetricsCollectorModule = module;
    expect(module).toMatchObject({ settings: { image: 'mcr.microsoft.com/azureiotedge-metrics-collector:1.0' } });
    expect(mergeLayers(base, [{ ...layer, priority: 1 }]).value).toEqual(expected);
  });

  it('iotedgedev layered_deployment.flattened_props: a full deployment despite its name, so it is a base, and a layer cannot be', () => {
    const base = corpus(IOTEDGEDEV);
    expect(mergeLayers(base, []).value).toEqual(base.value);
    expect(() => mergeLayers(corpus(CLI_BASE), [{ ...base, priority: 10 }])).toThrow(/\$edgeAgent sets "properties.desired" as a whole/);
  });

  it('a layer is not a base', () => {
    expect(() => mergeLayers(corpus(CLI_LAYERED), [])).toThrow(/not a standard deployment/);
  });
});
