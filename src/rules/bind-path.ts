// HostConfig.Binds entries that Docker refuses, so edgeAgent cannot create the container and the
// module never starts. Syntax and facts: docker-bind-syntax.ts.
import { checkMode, isAbsolutePath, isRootPath, isVolumeName, looksLikeMode, type BindSpec } from '../manifest/docker/bind-syntax.js';
import { listMounts } from '../manifest/docker/mounts.js';
import { createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import type { Rule, RuleReport } from './rule.js';

type Problem = { messageId: string; data?: Record<string, string>; at: number };

function findProblem(spec: BindSpec): Problem | undefined {
  const { host, container, mode, parts } = spec;
  if (parts.length > 3) return { messageId: 'tooManyParts', data: { count: String(parts.length) }, at: parts[3]!.start };
  if (host.text === '') return { messageId: 'emptyHost', at: 0 };
  if (!container) return { messageId: 'noContainer', at: 0 };
  if (parts.length === 2 && looksLikeMode(container.text)) {
    return { messageId: 'modeWithoutContainer', data: { mode: container.text }, at: container.start };
  }
  if (!isAbsolutePath(host.text) && !isVolumeName(host.text)) return { messageId: 'relativeHost', data: { host: host.text }, at: host.start };
  if (!isAbsolutePath(container.text)) return { messageId: 'relativeContainer', data: { container: container.text }, at: container.start };
  if (isRootPath(container.text)) return { messageId: 'rootContainer', at: container.start };
  const problem = mode ? checkMode(mode.text, spec) : undefined;
  if (!problem || !mode) return undefined;
  switch (problem.kind) {
    case 'unknown':
      return { messageId: 'unknownMode', data: { option: problem.option }, at: mode.start + mode.text.indexOf(problem.option) };
    case 'twice':
      return { messageId: 'modeTwice', data: { group: problem.group, options: problem.options }, at: mode.start };
    case 'windows':
      return { messageId: 'windowsMode', data: { option: problem.option }, at: mode.start + mode.text.indexOf(problem.option) };
    case 'nocopy-on-bind':
      return { messageId: 'nocopyOnBind', at: mode.start + mode.text.indexOf('nocopy') };
  }
}

export const bindPath: Rule = {
  meta: {
    id: 'bind-path',
    defaultSeverity: 'error',
    description: 'HostConfig.Binds entries must be host:container[:mode] with absolute paths (or a volume name) and modes Docker knows, or the container cannot be created.',
    fixable: false,
    docs: {
      sources: [
        'https://docs.docker.com/engine/api/v1.41/#tag/Container/operation/ContainerCreate (HostConfig.Binds)',
        'moby volume/mounts/linux_parser.go: ParseMountRaw, linuxValidMountMode, validateMountConfigImpl',
        'moby volume/mounts/windows_parser.go: drive-letter and named-pipe paths, modes ro and rw',
        'moby volume/local: volume names must match [a-zA-Z0-9][a-zA-Z0-9_.-]+',
      ],
    },
    messages: {
      tooManyParts: 'bind "{{text}}" has {{count}} colon-separated parts; Docker expects host:container[:mode] and refuses the container. Remove the extra part',
      emptyHost: 'bind "{{text}}" has an empty host part; write an absolute host path or a volume name before the first colon, as in "/srv/data:/data"',
      noContainer: 'bind "{{text}}" has no container path; Docker expects host:container[:mode], e.g. "{{text}}:/data"',
      modeWithoutContainer: 'bind "{{text}}" ends in the mode "{{mode}}" but has no container path; write host:container:{{mode}}',
      relativeHost: 'bind "{{text}}" starts with "{{host}}", which is neither an absolute host path nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]+), so Docker refuses it; use an absolute path such as "/srv/{{module}}"',
      relativeContainer: 'bind "{{text}}" mounts at "{{container}}", which is not an absolute container path, so Docker refuses it; start it with "/"',
      rootContainer: 'bind "{{text}}" mounts over the container\'s root "/", which Docker refuses; mount at a folder such as "/data"',
      unknownMode: 'bind "{{text}}" has the unknown mode option "{{option}}", so Docker refuses it; use ro, rw, z, Z, nocopy, a propagation (private, rprivate, shared, rshared, slave, rslave) or a comma-separated mix',
      modeTwice: 'bind "{{text}}" sets the {{group}} option twice ({{options}}); Docker allows one option of each kind, so keep one',
      windowsMode: 'bind "{{text}}" uses a Windows path with the mode option "{{option}}"; Windows containers accept only ro or rw',
      nocopyOnBind: 'bind "{{text}}" uses nocopy on a host path; nocopy only applies to named volumes and Docker refuses it on a bind mount, so remove it',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const options = createOptionsOf(manifest, module);
      for (const mount of listMounts(hostConfigOf(options))) {
        if (!mount.bind || mount.placeholder) continue;
        const problem = findProblem(mount.bind);
        if (!problem) continue;
        const report: RuleReport = { messageId: problem.messageId, data: { text: mount.bind.text, module: module.name, ...problem.data }, pointer: mount.pointer };
        // Points inside the bind text, also when it sits inside createOptions text.
        if (problem.at > 0) report.stringOffset = problem.at;
        reports.push(report);
      }
    }
    return reports;
  },
};
