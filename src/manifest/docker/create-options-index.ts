// Finds a module's joined createOptions by pointer without scanning the list: rules and the
// finding placer look them up once per module or per finding, and a scan of every module's
// options each time made lint quadratic in the number of modules (60,000 modules: minutes).
// The index is built once per list, on first use, and kept beside it (a list must not change
// after its first lookup; normalizeManifest builds it whole before any rule runs).
import type { JoinedCreateOptions } from './join-create-options.js';

interface Index {
  bySettings: Map<string, JoinedCreateOptions>;
  byPointer: Map<string, JoinedCreateOptions>;
  /**
   * By the pointer of the module whose settings hold them: a module's own pointer string is
   * hashed once, where `<module>/settings` built per lookup was joined and hashed every time.
   */
  byModule: Map<string, JoinedCreateOptions>;
}

const SETTINGS = '/settings';

const indexes = new WeakMap<readonly JoinedCreateOptions[], Index>();

function indexOf(list: readonly JoinedCreateOptions[]): Index {
  let index = indexes.get(list);
  if (!index) {
    index = { bySettings: new Map(), byPointer: new Map(), byModule: new Map() };
    // The first entry wins, as Array.find did.
    for (const options of list) {
      if (!index.bySettings.has(options.settingsPointer)) {
        index.bySettings.set(options.settingsPointer, options);
        if (options.settingsPointer.endsWith(SETTINGS)) index.byModule.set(options.settingsPointer.slice(0, -SETTINGS.length), options);
      }
      if (!index.byPointer.has(options.pointer)) index.byPointer.set(options.pointer, options);
    }
    indexes.set(list, index);
  }
  return index;
}

/** The options of the module whose settings are at `settingsPointer`. */
export function createOptionsAt(list: readonly JoinedCreateOptions[], settingsPointer: string): JoinedCreateOptions | undefined {
  return indexOf(list).bySettings.get(settingsPointer);
}

/** The options of the module at `modulePointer` (in its `settings`): createOptionsAt(list, `<modulePointer>/settings`). */
export function createOptionsOfModule(list: readonly JoinedCreateOptions[], modulePointer: string): JoinedCreateOptions | undefined {
  return indexOf(list).byModule.get(modulePointer);
}

/** The options that `pointer` lies inside (strictly below their own pointer), if any. */
export function createOptionsAround(list: readonly JoinedCreateOptions[], pointer: string): JoinedCreateOptions | undefined {
  if (list.length === 0) return undefined;
  const { byPointer } = indexOf(list);
  for (let end = pointer.lastIndexOf('/'); end > 0; end = pointer.lastIndexOf('/', end - 1)) {
    const options = byPointer.get(pointer.slice(0, end));
    if (options) return options;
  }
  return undefined;
}

/** The options whose own pointer is `pointer`, or that `pointer` lies inside. */
export function createOptionsHolding(list: readonly JoinedCreateOptions[], pointer: string): JoinedCreateOptions | undefined {
  if (list.length === 0) return undefined;
  return indexOf(list).byPointer.get(pointer) ?? createOptionsAround(list, pointer);
}
