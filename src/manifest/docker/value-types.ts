// Where createOptions holds a boolean, an integer or a port string in Docker's API, as paths
// from the createOptions root ("*" = any key, "#" = any array item). They mirror the
// ["boolean"|"integer", "string"] fields of schemas/create-options.schema.json (edgeAgent's
// Newtonsoft.Json accepts text there) and PortBinding.HostPort; a test keeps the two in step.

import { appendPointer } from '../json-pointer.js';

export type DockerValueType = 'boolean' | 'integer' | 'string';

export const DOCKER_VALUE_TYPES: Readonly<Record<string, DockerValueType>> = {
  AttachStdin: 'boolean',
  AttachStdout: 'boolean',
  AttachStderr: 'boolean',
  Tty: 'boolean',
  OpenStdin: 'boolean',
  StdinOnce: 'boolean',
  ArgsEscaped: 'boolean',
  NetworkDisabled: 'boolean',
  StopTimeout: 'integer',
  'Healthcheck/Interval': 'integer',
  'Healthcheck/Timeout': 'integer',
  'Healthcheck/Retries': 'integer',
  'Healthcheck/StartPeriod': 'integer',
  'Healthcheck/StartInterval': 'integer',
  'HostConfig/CpuShares': 'integer',
  'HostConfig/Memory': 'integer',
  'HostConfig/BlkioWeight': 'integer',
  'HostConfig/BlkioWeightDevice/#/Weight': 'integer',
  'HostConfig/BlkioDeviceReadBps/#/Rate': 'integer',
  'HostConfig/BlkioDeviceWriteBps/#/Rate': 'integer',
  'HostConfig/BlkioDeviceReadIOps/#/Rate': 'integer',
  'HostConfig/BlkioDeviceWriteIOps/#/Rate': 'integer',
  'HostConfig/CpuPeriod': 'integer',
  'HostConfig/CpuQuota': 'integer',
  'HostConfig/CpuRealtimePeriod': 'integer',
  'HostConfig/CpuRealtimeRuntime': 'integer',
  'HostConfig/DeviceRequests/#/Count': 'integer',
  'HostConfig/KernelMemory': 'integer',
  'HostConfig/KernelMemoryTCP': 'integer',
  'HostConfig/MemoryReservation': 'integer',
  'HostConfig/MemorySwap': 'integer',
  'HostConfig/MemorySwappiness': 'integer',
  'HostConfig/NanoCpus': 'integer',
  'HostConfig/OomKillDisable': 'boolean',
  'HostConfig/Init': 'boolean',
  'HostConfig/PidsLimit': 'integer',
  'HostConfig/Ulimits/#/Soft': 'integer',
  'HostConfig/Ulimits/#/Hard': 'integer',
  'HostConfig/CpuCount': 'integer',
  'HostConfig/CpuPercent': 'integer',
  'HostConfig/IOMaximumIOps': 'integer',
  'HostConfig/IOMaximumBandwidth': 'integer',
  'HostConfig/PortBindings/*/#/HostPort': 'string',
  'HostConfig/RestartPolicy/MaximumRetryCount': 'integer',
  'HostConfig/AutoRemove': 'boolean',
  'HostConfig/Mounts/#/ReadOnly': 'boolean',
  'HostConfig/Mounts/#/BindOptions/NonRecursive': 'boolean',
  'HostConfig/Mounts/#/BindOptions/CreateMountpoint': 'boolean',
  'HostConfig/Mounts/#/BindOptions/ReadOnlyNonRecursive': 'boolean',
  'HostConfig/Mounts/#/BindOptions/ReadOnlyForceRecursive': 'boolean',
  'HostConfig/Mounts/#/VolumeOptions/NoCopy': 'boolean',
  'HostConfig/Mounts/#/TmpfsOptions/SizeBytes': 'integer',
  'HostConfig/Mounts/#/TmpfsOptions/Mode': 'integer',
  'HostConfig/ConsoleSize/#': 'integer',
  'HostConfig/OomScoreAdj': 'integer',
  'HostConfig/Privileged': 'boolean',
  'HostConfig/PublishAllPorts': 'boolean',
  'HostConfig/ReadonlyRootfs': 'boolean',
  'HostConfig/ShmSize': 'integer',
  'HostConfig/MaximumIOps': 'integer',
  'HostConfig/MaximumIOBps': 'integer',
  'NetworkingConfig/EndpointsConfig/*/IPPrefixLen': 'integer',
  'NetworkingConfig/EndpointsConfig/*/GlobalIPv6PrefixLen': 'integer',
};

export interface TypedValue {
  pointer: string;
  /** The key (or array index) holding the value, for messages. */
  name: string;
  expected: DockerValueType;
  value: unknown;
}

interface TypeNode {
  expected?: DockerValueType;
  children: Map<string, TypeNode>;
}

const ROOT: TypeNode = { children: new Map() };
for (const [path, expected] of Object.entries(DOCKER_VALUE_TYPES)) {
  let node = ROOT;
  for (const segment of path.split('/')) {
    const key = segment === '*' || segment === '#' ? segment : segment.toLowerCase();
    if (!node.children.has(key)) node.children.set(key, { children: new Map() });
    node = node.children.get(key)!;
  }
  node.expected = expected;
}

/** Every value at a typed path, matching keys without regard to case as edgeAgent does. */
export function typedValues(options: Record<string, unknown>, pointer: string): TypedValue[] {
  const found: TypedValue[] = [];
  walk(options, pointer, '', ROOT, found);
  return found;
}

function walk(value: unknown, pointer: string, name: string, node: TypeNode, found: TypedValue[]): void {
  if (node.expected) found.push({ pointer, name, expected: node.expected, value });
  if (Array.isArray(value)) {
    const items = node.children.get('#');
    if (items) value.forEach((item: unknown, index) => walk(item, appendPointer(pointer, index), `${name}[${index}]`, items, found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const next = node.children.get(key.toLowerCase()) ?? node.children.get('*');
      if (next) walk(child, appendPointer(pointer, key), key, next, found);
    }
  }
}
