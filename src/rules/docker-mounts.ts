// The mounts of a container: HostConfig.Binds strings and HostConfig.Mounts objects, each with
// the pointer to report at, read with createOptions' case-insensitive keys.
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { memberOf, type Member } from './case-insensitive-member.js';
import { isAbsolutePath, parseBind, type BindSpec } from './docker-bind-syntax.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';

export interface MountEntry {
  from: 'Binds' | 'Mounts';
  /** The Binds string, or the Source of a Mounts entry (falls back to the entry itself). */
  pointer: string;
  type: 'bind' | 'volume' | 'other';
  /** Host path or volume name. */
  source: string;
  /** Path inside the container. */
  target: string | undefined;
  readOnly: boolean;
  /** Some part is filled in later (${VAR}, <Token>). */
  placeholder: boolean;
  /** The parsed Binds string. */
  bind?: BindSpec;
}

export function listMounts(hostConfig: Member | undefined): MountEntry[] {
  if (!hostConfig) return [];
  return [...listBinds(hostConfig), ...listMountObjects(hostConfig)];
}

function listBinds(hostConfig: Member): MountEntry[] {
  const binds = memberOf(hostConfig.value, hostConfig.pointer, 'Binds');
  if (!binds || !Array.isArray(binds.value)) return [];
  const entries: MountEntry[] = [];
  binds.value.forEach((text: unknown, index) => {
    if (typeof text !== 'string') return; // the schema reports it
    const bind = parseBind(text);
    const mode = bind.mode?.text ?? '';
    entries.push({
      from: 'Binds',
      pointer: appendPointer(binds.pointer, index),
      type: isAbsolutePath(bind.host.text) ? 'bind' : 'volume',
      source: bind.host.text,
      target: bind.container?.text,
      readOnly: mode.split(',').some((option) => option === 'ro' || option.startsWith('ro-') || option === 'rro'),
      placeholder: holdsPlaceholder(text),
      bind,
    });
  });
  return entries;
}

function listMountObjects(hostConfig: Member): MountEntry[] {
  const mounts = memberOf(hostConfig.value, hostConfig.pointer, 'Mounts');
  if (!mounts || !Array.isArray(mounts.value)) return [];
  const entries: MountEntry[] = [];
  mounts.value.forEach((mount: unknown, index) => {
    if (!isPlainObject(mount)) return;
    const pointer = appendPointer(mounts.pointer, index);
    const type = memberOf(mount, pointer, 'Type')?.value;
    const source = memberOf(mount, pointer, 'Source');
    const target = memberOf(mount, pointer, 'Target')?.value;
    const readOnly = memberOf(mount, pointer, 'ReadOnly')?.value;
    const texts = [source?.value, target].filter((value): value is string => typeof value === 'string');
    entries.push({
      from: 'Mounts',
      pointer: source?.pointer ?? pointer,
      type: type === 'bind' || type === 'volume' ? type : 'other',
      source: typeof source?.value === 'string' ? source.value : '',
      target: typeof target === 'string' ? target : undefined,
      readOnly: readOnly === true || (typeof readOnly === 'string' && readOnly.trim().toLowerCase() === 'true'),
      placeholder: texts.some(holdsPlaceholder),
    });
  });
  return entries;
}
