// Turns one change into the words a reviewer reads, shared by the text and markdown formats:
// a label relative to its group ("image", "env LOG_LEVEL", "createOptions /HostConfig/Binds",
// "route upstream", "twin /SendInterval") and its values, shortened and with secrets masked.
// Nested paths are JSON Pointers, since keys such as "properties.desired" contain dots.
import { toPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { Change, ChangeKind } from './change-list.js';
import { maskChangeValues, maskValue } from './secret-masking.js';

export interface ChangeDescription {
  label: string;
  kind: ChangeKind;
  /** A secret value changed: say so, show nothing. */
  secret: boolean;
  old?: string;
  new?: string;
  /** For arrays of plain values: the items added and removed. */
  itemsAdded?: string[];
  itemsRemoved?: string[];
  /** Extra context, e.g. the image repository when only the tag changed. */
  context?: string;
}

/** Longer values are shortened with "…" (route texts never are: they are the point). */
const MAX_VALUE = 200;

export function describeChange(change: Change, secrets: readonly string[], showSecrets: boolean): ChangeDescription {
  const values = showSecrets ? { old: change.old, new: change.new, secret: false } : maskChangeValues(change, secrets);
  const description: ChangeDescription = { label: labelOf(change.segments), kind: change.kind, secret: values.secret };
  if (values.secret) return description;
  const whole = change.segments.length === 2 ? change.segments[0] : undefined;
  const show = (value: unknown): string | undefined => {
    if (value === undefined) return undefined;
    if (whole === 'modules') return moduleSummary(value);
    // A route with only its text (written as a string, or as {"route": …}): show the text.
    if (whole === 'routes' && isPlainObject(value) && Object.keys(value).length === 1 && 'route' in value) return render(value.route, Infinity);
    return render(value, change.segments[0] === 'routes' && change.segments[2] === 'route' ? Infinity : MAX_VALUE);
  };
  description.old = show(values.old);
  description.new = show(values.new);
  if (Array.isArray(change.old) && Array.isArray(change.new) && [...change.old, ...change.new].every(isPlain)) {
    // Items are compared before masking, so a changed secret entry still shows as -old +new.
    const last = change.segments[change.segments.length - 1];
    const shown = (item: unknown): string => render(showSecrets ? item : (maskValue([item], secrets, false, last) as unknown[])[0]);
    const before = change.old.map((item) => JSON.stringify(item));
    const after = change.new.map((item) => JSON.stringify(item));
    // Sets, not includes() per item: two 200,000-item lists would take 4·10¹⁰ comparisons.
    const inBefore = new Set(before);
    const inAfter = new Set(after);
    const added = change.new.filter((_, index) => !inBefore.has(after[index]!)).map(shown);
    const removed = change.old.filter((_, index) => !inAfter.has(before[index]!)).map(shown);
    if (added.length > 0 || removed.length > 0) {
      description.itemsAdded = added;
      description.itemsRemoved = removed;
    } // else only the order changed: show old → new
  }
  if (!description.itemsAdded && change.kind === 'changed' && description.old === description.new) {
    description.secret = true; // different values that look the same once masked
    delete description.old;
    delete description.new;
  }
  if (change.segments[0] === 'modules' && change.segments[2] === 'image' && typeof values.old === 'string' && typeof values.new === 'string') {
    const before = splitImage(values.old);
    const after = splitImage(values.new);
    if (before.repository === after.repository && before.tag !== after.tag) {
      description.old = before.tag;
      description.new = after.tag;
      description.context = before.repository;
    }
  }
  return description;
}

function labelOf(segments: readonly string[]): string {
  const [section, name, field, ...rest] = segments;
  switch (section) {
    case 'modules':
      if (field === undefined) return 'module';
      if (field === 'env') return rest.length > 0 ? `env ${rest[0]}${rest.length > 1 ? ` ${toPointer(rest.slice(1))}` : ''}` : 'env';
      if (field === 'createOptions' || field === 'settings') return rest.length > 0 ? `${field} ${toPointer(rest)}` : field;
      if (field === 'other') return rest.length > 0 ? `${rest[0]}${rest.length > 1 ? ` ${toPointer(rest.slice(1))}` : ''}` : 'other keys';
      return rest.length > 0 ? `${field} ${toPointer(rest)}` : field;
    case 'twins':
      return segments.length > 2 ? `twin ${toPointer(segments.slice(2))}` : 'twin';
    case 'routes':
      return field === undefined ? `route ${name}` : `route ${name} ${[field, ...rest].join('/')}`;
    case 'registryCredentials':
      return field === undefined ? `registry ${name}` : `registry ${name} ${[field, ...rest].join('/')}`;
    case 'storeAndForward':
      return segments.length > 1 ? toPointer(segments.slice(1)).slice(1) : 'storeAndForwardConfiguration';
    default:
      return toPointer(segments.slice(1)) || '(all)';
  }
}

function isPlain(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

function render(value: unknown, limit = MAX_VALUE): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

function moduleSummary(module: unknown): string {
  if (!isPlainObject(module)) return render(module);
  const parts = [module.image !== undefined ? `image ${render(module.image)}` : undefined, module.status !== undefined ? `status ${render(module.status)}` : undefined];
  return parts.filter(Boolean).join(', ') || 'no image';
}

/** "repo/name:tag" or "repo/name@sha256:…" into repository and tag (or digest). */
export function splitImage(image: string): { repository: string; tag: string } {
  const at = image.indexOf('@');
  if (at >= 0) return { repository: image.slice(0, at), tag: image.slice(at + 1) };
  const colon = image.lastIndexOf(':');
  if (colon > image.lastIndexOf('/')) return { repository: image.slice(0, colon), tag: image.slice(colon + 1) };
  return { repository: image, tag: 'latest' };
}
