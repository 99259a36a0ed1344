// createOptions values that edgeAgent accepts but Docker's own API refuses, and typos the schema
// cannot see because they are in values. edgeAgent reads createOptions with Newtonsoft.Json,
// which turns "true" into true and 8883 into "8883"; Docker's API (Go encoding/json) and tools
// that hand it the JSON as written (iotedgehubdev, scripts calling the API) do not. Unknown keys,
// keys at the wrong level and keys written in another case are found by the schema check while
// loading; this rule reports those the schema assigns to it in the schema's words (its `schema`
// message), and values of no usable type are the schema rule's.
import { appendPointer } from '../manifest/json-pointer.js';
import { suggestClosest } from '../schema/suggest-closest.js';
import { memberOf, type Member } from '../manifest/case-insensitive-member.js';
import { typedValues, type TypedValue } from '../manifest/docker/value-types.js';
import { CAPABILITIES, isKnownCapability } from '../manifest/docker/linux-capabilities.js';
import { hostConfigOf } from '../manifest/docker/module-create-options.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { withLoadedReports, type Rule, type RuleReport } from './rule.js';

const TEXT_BOOLEAN = /^\s*(true|false)\s*$/i;
const TEXT_INTEGER = /^\s*[-+]?[0-9]+\s*$/;
const NETWORK_MODES = ['host', 'bridge', 'none', 'default'];
const IOT_EDGE_NETWORK = 'azure-iot-edge';

function typeReport(typed: TypedValue): RuleReport | undefined {
  const { value, expected, pointer, name } = typed;
  if (expected === 'boolean' && typeof value === 'string' && TEXT_BOOLEAN.test(value)) {
    return { messageId: 'textBoolean', data: { name, value, json: value.trim().toLowerCase() }, pointer };
  }
  if (expected === 'integer' && typeof value === 'string' && TEXT_INTEGER.test(value)) {
    return { messageId: 'textInteger', data: { name, value, json: BigInt(value.trim()).toString() }, pointer };
  }
  if (expected === 'string' && (typeof value === 'number' || typeof value === 'boolean')) {
    return { messageId: 'numberHostPort', data: { name, value: String(value) }, pointer };
  }
  return undefined;
}

function networkModeReport(mode: Member | undefined): RuleReport | undefined {
  if (!mode || typeof mode.value !== 'string' || holdsPlaceholder(mode.value)) return undefined;
  const value = mode.value;
  const builtIn = NETWORK_MODES.find((name) => name === value.toLowerCase());
  if (builtIn && builtIn !== value) return { messageId: 'networkModeCase', data: { value, expected: builtIn }, pointer: mode.pointer };
  const squashed = value.toLowerCase().replace(/[-_. ]/g, '');
  if (value !== IOT_EDGE_NETWORK && squashed === 'azureiotedge') return { messageId: 'networkModeCase', data: { value, expected: IOT_EDGE_NETWORK }, pointer: mode.pointer };
  return undefined;
}

function capabilityReports(list: Member | undefined): RuleReport[] {
  if (!list || !Array.isArray(list.value)) return [];
  const reports: RuleReport[] = [];
  list.value.forEach((value: unknown, index) => {
    if (typeof value !== 'string' || holdsPlaceholder(value) || isKnownCapability(value)) return;
    const pointer = appendPointer(list.pointer, index);
    const suggestion = suggestClosest(value.toUpperCase().replace(/^CAP_/, ''), CAPABILITIES);
    reports.push(
      suggestion
        ? { messageId: 'unknownCapabilitySuggest', data: { list: list.key, value, suggestion }, pointer }
        : { messageId: 'unknownCapability', data: { list: list.key, value }, pointer },
    );
  });
  return reports;
}

export const createOptionsDocker: Rule = {
  meta: {
    id: 'create-options-docker',
    defaultSeverity: 'warning',
    description: 'createOptions values that only edgeAgent accepts (text for booleans and integers, a number for HostPort) and value typos Docker refuses (NetworkMode case, capability names).',
    fixable: false,
    docs: {
      sources: [
        'https://docs.docker.com/engine/api/v1.41/#tag/Container/operation/ContainerCreate (types of each field)',
        'iotedge edge-agent DockerModule/CreateOptions: createOptions deserialised with Newtonsoft.Json into Docker.DotNet CreateContainerParameters',
        'schemas/create-options.schema.json ([boolean|integer, string] fields)',
        'moby api/types/container: NetworkMode.IsHost compares with "host"; oci/caps: capability names (capabilities(7))',
      ],
    },
    messages: {
      schema: '{{description}}',
      textBoolean: '`{{name}}` is the text "{{value}}" where Docker\'s API wants a JSON boolean; edgeAgent converts it, but Docker itself, and tools that pass createOptions to it as written, refuse it. Write {{json}} without quotes',
      textInteger: '`{{name}}` is the text "{{value}}" where Docker\'s API wants a JSON integer; edgeAgent converts it, but Docker itself, and tools that pass createOptions to it as written, refuse it. Write {{json}} without quotes',
      numberHostPort: '`{{name}}` is the number {{value}} where Docker\'s API wants a string; edgeAgent converts it, but Docker itself, and tools that pass createOptions to it as written, refuse it. Write "{{value}}"',
      networkModeCase: 'NetworkMode "{{value}}" is not "{{expected}}": Docker matches network names exactly, so it looks for a network called "{{value}}" and the module fails to start. Write "{{expected}}"',
      unknownCapabilitySuggest: '{{list}} holds "{{value}}", which is not a Linux capability, so Docker refuses to create the container; did you mean "{{suggestion}}"?',
      unknownCapability: '{{list}} holds "{{value}}", which is not a Linux capability, so Docker refuses to create the container; use a name from capabilities(7) such as NET_ADMIN (the CAP_ prefix is optional)',
    },
  },
  check(manifest, loaded) {
    return withLoadedReports(loaded, 'create-options-docker', ownReports(manifest));
  },
};

function ownReports(manifest: NormalizedManifest): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const options of manifest.createOptions) {
    if (!options.value) continue;
    for (const typed of typedValues(options.value, options.pointer)) {
      const report = typeReport(typed);
      if (report) reports.push(report);
    }
    const hostConfig = hostConfigOf(options);
    if (!hostConfig) continue;
    const networkMode = networkModeReport(memberOf(hostConfig.value, hostConfig.pointer, 'NetworkMode'));
    if (networkMode) reports.push(networkMode);
    reports.push(...capabilityReports(memberOf(hostConfig.value, hostConfig.pointer, 'CapAdd')));
    reports.push(...capabilityReports(memberOf(hostConfig.value, hostConfig.pointer, 'CapDrop')));
  }
  return reports;
}
