// Create options that give a module (nearly) the whole host: Privileged, the host network, the
// Docker socket, CAP_SYS_ADMIN or all capabilities. Each is sometimes needed, rarely in full.
// Facts: Docker run reference (--privileged, --cap-add, --network host); Docker security docs
// (access to the Docker socket is root on the host); IoT Edge security guidance.
import { appendPointer } from '../manifest/json-pointer.js';
import { memberOf } from '../manifest/case-insensitive-member.js';
import { listMounts } from '../manifest/docker/mounts.js';
import { normalizeCapability } from '../manifest/docker/linux-capabilities.js';
import { createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import type { Rule, RuleReport } from './rule.js';

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];
const DOCKER_PIPE = '\\\\.\\pipe\\docker_engine';
const BROAD_CAPABILITIES = ['SYS_ADMIN', 'ALL'];

/** The Docker socket this host path is, or holds (a bind of /var/run exposes it too). */
function dockerSocketIn(source: string): string | undefined {
  if (source.toLowerCase() === DOCKER_PIPE) return DOCKER_PIPE;
  const path = source.length > 1 ? source.replace(/\/+$/, '') : source;
  return DOCKER_SOCKETS.find((socket) => socket === path || socket.startsWith(path === '/' ? '/' : path + '/'));
}

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

export const privileged: Rule = {
  meta: {
    id: 'privileged',
    defaultSeverity: 'warning',
    description: 'A module runs privileged, on the host network, with the Docker socket, or with CAP_SYS_ADMIN or all capabilities, which gives it control of the device.',
    fixable: false,
    docs: {
      sources: [
        'https://docs.docker.com/engine/containers/run/#runtime-privilege-and-linux-capabilities',
        'https://docs.docker.com/engine/security/#docker-daemon-attack-surface (access to the Docker socket is root on the host)',
        'https://docs.docker.com/engine/network/drivers/host/',
        'https://learn.microsoft.com/azure/iot-edge/production-checklist',
      ],
    },
    messages: {
      privileged: '{{module}} runs with HostConfig.Privileged, which gives it every capability and every host device, so a flaw in it takes over the device; grant only what it needs, e.g. HostConfig.Devices for a device such as /dev/ttyUSB0 and CapAdd for one capability',
      hostNetwork: '{{module}} uses NetworkMode "host", so it shares the device\'s network stack, can bind any host port and reach local services, and leaves the azure-iot-edge network; publish the ports it needs with PortBindings instead',
      dockerSocket: '{{module}} mounts the Docker socket {{socket}}, which lets it start privileged containers and so is root on the device; give it only the data or API it needs, or run the task outside the module',
      dockerSocketFolder: '{{module}} mounts the host folder {{source}}, which holds the Docker socket {{socket}}; that lets it start privileged containers and so is root on the device. Mount only the files it needs',
      broadCapability: '{{module}} adds the capability {{capability}}, which is close to full root on the device; add only the specific capabilities it needs, such as NET_ADMIN or SYS_TIME',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const hostConfig = hostConfigOf(createOptionsOf(manifest, module));
      if (!hostConfig) continue;
      const data = { module: module.name };
      const flag = memberOf(hostConfig.value, hostConfig.pointer, 'Privileged');
      if (flag && isTrue(flag.value)) reports.push({ messageId: 'privileged', data, pointer: flag.pointer });
      const network = memberOf(hostConfig.value, hostConfig.pointer, 'NetworkMode');
      if (network && network.value === 'host') reports.push({ messageId: 'hostNetwork', data, pointer: network.pointer });
      for (const mount of listMounts(hostConfig)) {
        const socket = mount.type !== 'volume' ? dockerSocketIn(mount.source) : undefined;
        if (socket) reports.push({ messageId: socket === mount.source ? 'dockerSocket' : 'dockerSocketFolder', data: { ...data, source: mount.source, socket }, pointer: mount.pointer });
      }
      const capAdd = memberOf(hostConfig.value, hostConfig.pointer, 'CapAdd');
      if (capAdd && Array.isArray(capAdd.value)) {
        capAdd.value.forEach((capability: unknown, index) => {
          if (typeof capability === 'string' && BROAD_CAPABILITIES.includes(normalizeCapability(capability))) {
            reports.push({ messageId: 'broadCapability', data: { ...data, capability }, pointer: appendPointer(capAdd.pointer, index) });
          }
        });
      }
    }
    return reports;
  },
};
