// The `host:container[:mode]` syntax of HostConfig.Binds, as Docker parses it.
// Facts (moby volume/mounts/linux_parser.go, windows_parser.go; Docker Engine API ContainerCreate):
// - at most three colon-separated parts; the container path must be absolute and not "/";
// - the host part is an absolute path (a bind mount) or a volume name [a-zA-Z0-9][a-zA-Z0-9_.-]+;
// - the mode is a comma-separated list with at most one option from each group below; nocopy
//   only applies to volumes (on a bind mount Docker refuses it);
// - Windows daemons accept drive paths (C:\data, c:/data) and named pipes, with modes ro or rw.

export interface BindPart {
  text: string;
  /** Offset of the part in the bind string. */
  start: number;
}

export interface BindSpec {
  text: string;
  parts: BindPart[];
  host: BindPart;
  container?: BindPart;
  mode?: BindPart;
  /** A part uses the Windows drive-letter or named-pipe form. */
  windows: boolean;
}

const DRIVE_PATH = /^[A-Za-z]:[\\/]/;
const WINDOWS_PIPE_OR_UNC = /^\\\\/;
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

export const MODE_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'read-write': ['rw', 'ro', 'ro-non-recursive', 'ro-force-recursive', 'rro'],
  'SELinux label': ['z', 'Z'],
  propagation: ['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'],
  copy: ['nocopy'],
  consistency: ['consistent', 'cached', 'delegated'],
};
const WINDOWS_MODES = ['ro', 'rw'];

/** Each mode option's group, built once: every bind of every file asks. */
const GROUP_OF_MODE: ReadonlyMap<string, string> = new Map(Object.entries(MODE_GROUPS).flatMap(([group, options]) => options.map((option) => [option, group] as const)));

/** Splits on ":" but keeps a drive letter (C:\data, c:/data) with its path. */
export function parseBind(text: string): BindSpec {
  const parts: BindPart[] = [];
  let start = 0;
  for (const piece of text.split(':')) {
    const previous = parts[parts.length - 1];
    if (previous && previous.text.length === 1 && /^[A-Za-z]$/.test(previous.text) && /^[\\/]/.test(piece)) {
      previous.text += ':' + piece;
    } else {
      parts.push({ text: piece, start });
    }
    start += piece.length + 1;
  }
  const windows = parts.some((part) => isWindowsPath(part.text));
  return { text, parts, host: parts[0]!, container: parts[1], mode: parts[2], windows };
}

/** "ro", "rw,z"…: text made only of mode options (a mode written where the container path goes). */
export function looksLikeMode(text: string): boolean {
  return text !== '' && text.split(',').every((option) => GROUP_OF_MODE.has(option));
}

export function isWindowsPath(path: string): boolean {
  return DRIVE_PATH.test(path) || WINDOWS_PIPE_OR_UNC.test(path);
}

export function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || isWindowsPath(path);
}

export function isVolumeName(text: string): boolean {
  return VOLUME_NAME.test(text);
}

/** "/" (or "//", "/."): Docker refuses to mount over the container's root. */
export function isRootPath(path: string): boolean {
  // A character other than / and . (nearly every path has one) means it is not the root: no split.
  return path.startsWith('/') && !/[^/.]/.test(path) && path.split('/').every((segment) => segment === '' || segment === '.');
}

export type ModeProblem = { kind: 'unknown'; option: string } | { kind: 'twice'; group: string; options: string } | { kind: 'windows'; option: string } | { kind: 'nocopy-on-bind' };

/** Why Docker would refuse this mode, or undefined when it accepts it. */
export function checkMode(mode: string, spec: BindSpec): ModeProblem | undefined {
  if (mode === '') return undefined;
  const options = mode.split(',');
  if (spec.windows) {
    const bad = options.find((option) => !WINDOWS_MODES.includes(option));
    if (bad !== undefined) return { kind: 'windows', option: bad };
    if (options.length > 1) return { kind: 'twice', group: 'read-write', options: options.join(' and ') };
    return undefined;
  }
  const seen = new Map<string, string>();
  for (const option of options) {
    const group = GROUP_OF_MODE.get(option);
    if (group === undefined) return { kind: 'unknown', option };
    const earlier = seen.get(group);
    if (earlier !== undefined) return { kind: 'twice', group, options: `${earlier} and ${option}` };
    seen.set(group, option);
  }
  if (seen.has('copy') && isAbsolutePath(spec.host.text)) return { kind: 'nocopy-on-bind' };
  return undefined;
}
