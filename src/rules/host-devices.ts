// HostConfig.Devices entries that Docker or runc refuse, or that leave the device out of reach
// of the module. Facts:
// - moby daemon/pkg/oci DevicesFromPath: PathOnHost is looked up as written (lstat), so a path
//   with spaces around it or an empty one is "error gathering device information" and the
//   container is not created; a relative one is looked up from the daemon's working directory.
// - runc rootfs_linux.go createDeviceNode: a device with no path in the container gets no node
//   ("only exists for cgroup reasons"); the Docker CLI fills PathInContainer from PathOnHost,
//   the API does not.
// - docker/cli opts validDeviceMode: permissions are a non-empty mix of r, w and m, each once;
//   runc refuses an empty access ("device access ... cannot be empty", specconv) and any other
//   letter ("unknown device access", devicefilter). moby ignores the permissions of a
//   privileged container (daemon/oci_linux.go WithDevices).
// - Windows containers assign devices as class/<GUID> or IDType://ID with empty paths and
//   permissions (moby daemon/oci_windows.go): those entries are left alone.
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { memberOf, type Member } from '../manifest/case-insensitive-member.js';
import { canRewrite, createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import type { Fix, Rule, RuleReport, Suggestion } from './rule.js';

const PERMISSIONS = /^(?!.*(.).*\1)[rwm]+$/;

function isTrue(value: unknown): boolean {
  return value === true || (typeof value === 'string' && value.trim().toLowerCase() === 'true');
}

function isWindowsDevice(pathOnHost: unknown): boolean {
  return typeof pathOnHost === 'string' && (/^class\//i.test(pathOnHost.trim()) || pathOnHost.includes('://'));
}

/** Permissions rewritten as Docker wants them, when the intent is clear (case, spaces, repeats). */
function normalizePermissions(value: string): string | undefined {
  const letters = value.toLowerCase().replace(/\s+/g, '');
  if (letters === '' || !/^[rwm]+$/.test(letters)) return undefined;
  return ['r', 'w', 'm'].filter((letter) => letters.includes(letter)).join('');
}

export const hostDevices: Rule = {
  meta: {
    id: 'host-devices',
    defaultSeverity: 'error',
    description: 'HostConfig.Devices entries need an absolute PathOnHost and PathInContainer without surrounding spaces, and CgroupPermissions made of r, w and m; otherwise the container is not created, or the module cannot open the device.',
    fixable: true,
    docs: {
      sources: [
        'https://docs.docker.com/engine/api/v1.41/#tag/Container/operation/ContainerCreate (HostConfig.Devices: PathOnHost, PathInContainer, CgroupPermissions)',
        'moby daemon/pkg/oci/devices_linux.go DevicesFromPath; daemon/oci_linux.go WithDevices (permissions ignored when privileged)',
        'docker/cli opts/opts.go validDeviceMode and validateLinuxPath',
        'opencontainers/runc libcontainer/specconv (empty device access refused), cgroups devicefilter (unknown access letters refused), rootfs_linux.go createDeviceNode',
        'https://learn.microsoft.com/azure/iot-edge/how-to-use-create-options',
      ],
    },
    messages: {
      hostPathSpaces: '{{module}} maps the device "{{value}}", which has spaces around the path; Docker looks the device up by that exact name, does not find it, and refuses to create the container. Write "{{trimmed}}"',
      hostPathEmpty: '{{module}} has a Devices entry with an empty PathOnHost; Docker finds no device to add and refuses to create the container. Write the device\'s path on the host, such as "/dev/ttyUSB0"',
      hostPathRelative: '{{module}} maps the device "{{value}}", which is not an absolute path; the Docker CLI refuses it, and the Docker daemon looks it up from its own working directory (it works only while that is /). Write "{{absolute}}"',
      containerPathEmpty: '{{module}} maps {{device}} with an empty PathInContainer; only the Docker CLI fills it in from PathOnHost, so through edgeAgent runc creates no device node and the module cannot open the device. Write "{{host}}"',
      containerPathSpaces: '{{module}} maps a device to "{{value}}", which has spaces around the path, so the device appears under a name with spaces and the module does not find it at "{{trimmed}}". Write "{{trimmed}}"',
      containerPathRelative: '{{module}} maps a device to "{{value}}", which is not an absolute path; the Docker CLI refuses it, and the module opens devices by absolute path. Write "{{absolute}}"',
      permissionsFixable: '{{module}} gives {{device}} the CgroupPermissions "{{value}}"; runc accepts only r (read), w (write) and m (mknod), each at most once, in lower case, so the container does not start. Write "{{fixed}}"',
      permissionsInvalid: '{{module}} gives {{device}} the CgroupPermissions "{{value}}"; runc accepts only r (read), w (write) and m (mknod), each at most once, so the container does not start. Write "rwm" or the part the module needs, such as "rw"',
      permissionsEmpty: '{{module}} gives {{device}} empty CgroupPermissions; runc refuses a device rule without access, so the container does not start. Write "rwm" (read, write, mknod) or the part the module needs',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const options = createOptionsOf(manifest, module);
      const hostConfig = hostConfigOf(options);
      if (!hostConfig || !options) continue;
      const devices = memberOf(hostConfig.value, hostConfig.pointer, 'Devices');
      if (!devices || !Array.isArray(devices.value)) continue;
      const privileged = isTrue(memberOf(hostConfig.value, hostConfig.pointer, 'Privileged')?.value);
      const rewritable = canRewrite(manifest, options);
      const setTo = (member: Member, value: string): Fix | undefined => (rewritable ? { edits: [{ op: 'set', pointer: member.pointer, value }] } : undefined);
      // A suggestion, not a fix: "dev/x" most likely means /dev/x, but that is a guess.
      const absolutePath = (member: Member, relative: string): Suggestion[] | undefined => {
        const fix = setTo(member, `/${relative}`);
        return fix ? [{ description: `write "/${relative}"`, fix }] : undefined;
      };
      devices.value.forEach((entry: unknown, index) => {
        const pointer = appendPointer(devices.pointer, index);
        if (!isPlainObject(entry)) return; // the schema reports it
        const host = memberOf(entry, pointer, 'PathOnHost');
        if (isWindowsDevice(host?.value)) return;
        const container = memberOf(entry, pointer, 'PathInContainer');
        const permissions = memberOf(entry, pointer, 'CgroupPermissions');
        const hostPath = typeof host?.value === 'string' ? host.value : '';
        const data = { module: module.name, host: hostPath.trim(), device: hostPath.trim() === '' ? 'a device without PathOnHost' : `the device "${hostPath.trim()}"` };
        if (host && typeof host.value === 'string' && !holdsPlaceholder(host.value)) {
          const trimmed = host.value.trim();
          if (trimmed === '') reports.push({ messageId: 'hostPathEmpty', data, pointer: host.pointer });
          else if (trimmed !== host.value) reports.push({ messageId: 'hostPathSpaces', data: { ...data, value: host.value, trimmed }, pointer: host.pointer, fix: setTo(host, trimmed) });
          else if (!trimmed.startsWith('/')) reports.push({ messageId: 'hostPathRelative', data: { ...data, value: host.value, absolute: `/${trimmed}` }, pointer: host.pointer, severity: 'warning', suggestions: absolutePath(host, trimmed) });
        }
        if (container && typeof container.value === 'string' && !holdsPlaceholder(container.value)) {
          const trimmed = container.value.trim();
          if (trimmed === '' && data.host !== '') {
            const fix = setTo(container, data.host);
            reports.push({ messageId: 'containerPathEmpty', data, pointer: container.pointer, severity: 'warning', suggestions: fix ? [{ description: `set PathInContainer to "${data.host}"`, fix }] : undefined });
          } else if (trimmed !== '' && trimmed !== container.value) {
            reports.push({ messageId: 'containerPathSpaces', data: { ...data, value: container.value, trimmed }, pointer: container.pointer, severity: 'warning', fix: setTo(container, trimmed) });
          } else if (trimmed !== '' && !trimmed.startsWith('/')) {
            reports.push({ messageId: 'containerPathRelative', data: { ...data, value: container.value, absolute: `/${trimmed}` }, pointer: container.pointer, severity: 'warning', suggestions: absolutePath(container, trimmed) });
          }
        }
        if (!privileged && permissions && typeof permissions.value === 'string' && !holdsPlaceholder(permissions.value) && !PERMISSIONS.test(permissions.value)) {
          const value = permissions.value;
          const fixed = normalizePermissions(value);
          if (value.trim() === '') reports.push({ messageId: 'permissionsEmpty', data, pointer: permissions.pointer });
          else if (fixed) reports.push({ messageId: 'permissionsFixable', data: { ...data, value, fixed }, pointer: permissions.pointer, fix: setTo(permissions, fixed) });
          else reports.push({ messageId: 'permissionsInvalid', data: { ...data, value }, pointer: permissions.pointer });
        }
      });
    }
    return reports;
  },
};
