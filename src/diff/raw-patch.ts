// The RFC 6902 patch that turns manifest A into manifest B. It applies to A's file as written
// (the raw document, wrapper and layout kept), so `edgewise patch A patch.json` works, and it
// carries meaning only: the target is A rewritten to mean B, and the operations are
// fast-json-patch's compare(A, target). So createOptions chunked differently but equal once
// joined stays as A wrote it, a flattened layered key stays flattened, and keys outside
// modulesContent (such as $schema-template or metrics) are left alone.
//
// The round trip holds by construction and is checked: the target's meaning must equal B's. If a
// twin cannot be rewritten in A's layout, its section is copied from B; if the document still
// differs, the patch replaces what differs in the whole document (`fallback` says which).
// A twin whose paths name __proto__, constructor or prototype cannot be rewritten path by path
// (json-pointer.ts refuses them), so its section is copied from B; and since `edgewise patch`
// refuses operations whose path names them, the object holding such a key is replaced whole.
import { isDeepStrictEqual } from 'node:util';
import { getAtPointer, isPrototypeKey, ownValue, parsePointer, prototypeKeyIn, setOwn, toPointer, UnsafePathError } from '../manifest/json-pointer.js';
import { isPlainObject, locateModulesContent } from '../manifest/manifest-shape.js';
import type { Desired } from '../merge/apply-twin-section.js';
import { effectiveTwins } from '../merge/effective-twins.js';
import { readMeaning, type ManifestMeaning } from './comparable-manifest.js';
import { isCreateOptionsKey } from './create-options-keys.js';
import { isLayeredSection, removeDesiredPath, writeDesiredPath } from './desired-locations.js';
import { compare, type Operation } from './json-patch-library.js';

export interface RawPatch {
  operations: Operation[];
  /** A's document after the patch. */
  target: unknown;
  /** "none": A's layout kept throughout; "twin": some twin sections copied from B; "document": not a manifest on one side, or nothing else worked. */
  fallback: 'none' | 'twin' | 'document';
}

export async function rawPatch(a: { file: string; value: unknown }, b: { file: string; value: unknown }, meaningA: ManifestMeaning, meaningB: ManifestMeaning): Promise<RawPatch> {
  const contentB = locateModulesContent(b.value).modulesContent;
  const target = structuredClone(a.value);
  const contentT = locateModulesContent(target).modulesContent;
  if (!contentT || !contentB) return wholeDocument(a.value, b.value);

  let fallback: RawPatch['fallback'] = 'none';
  const copyFromB = (twin: string): void => setOwn(contentT, twin, structuredClone(ownValue(contentB, twin)));
  for (const twin of meaningA.twins.keys()) if (!meaningB.twins.has(twin)) delete contentT[twin];
  for (const [twin, desiredB] of meaningB.twins) {
    const desiredA = meaningA.twins.get(twin);
    const section = ownValue(contentT, twin);
    if (desiredA === undefined || !isPlainObject(section)) {
      copyFromB(twin);
      continue;
    }
    try {
      new TwinRewriter(twin, section, meaningA, meaningB).walk(desiredA, desiredB, []);
    } catch (error) {
      if (!(error instanceof UnsafePathError)) throw error;
      copyFromB(twin);
      fallback = 'twin';
    }
  }

  if (!(await sameMeaning(a.file, target, meaningB))) {
    fallback = 'twin';
    const twinsT = effectiveTwins(contentT);
    for (const [twin, desiredB] of meaningB.twins) {
      if (!isDeepStrictEqual(twinsT.get(twin), desiredB)) copyFromB(twin);
    }
    if (!(await sameMeaning(a.file, target, meaningB))) return wholeDocument(a.value, b.value);
  }
  return { operations: withoutPrototypePaths(compare(a.value as object, target as object), target), target, fallback };
}

function wholeDocument(a: unknown, b: unknown): RawPatch {
  const target = structuredClone(b ?? {});
  const operations: Operation[] = isPlainObject(a) && isPlainObject(b) ? withoutPrototypePaths(compare(a, target as object), target) : [{ op: 'add', path: '', value: target }];
  return { operations, target, fallback: 'document' };
}

/**
 * Operations whose path names __proto__, constructor or prototype, replaced by one "replace" of
 * the object that holds that key (compare() only descends into objects both sides have, so it
 * exists in A). The key itself then travels inside a value, where it is plain data.
 */
function withoutPrototypePaths(operations: Operation[], target: unknown): Operation[] {
  const holders = new Set<string>();
  for (const operation of operations) {
    const segments = parsePointer(operation.path);
    const index = segments.findIndex(isPrototypeKey);
    if (index >= 0) holders.add(toPointer(segments.slice(0, index)));
  }
  if (holders.size === 0) return operations;
  const within = (pointer: string, holder: string): boolean => holder === '' || pointer === holder || pointer.startsWith(`${holder}/`);
  const outermost = [...holders].filter((holder) => ![...holders].some((other) => other !== holder && within(holder, other)));
  const kept = operations.filter((operation) => !outermost.some((holder) => within(operation.path, holder)));
  for (const holder of outermost) kept.push({ op: 'replace', path: holder, value: structuredClone(getAtPointer(target, holder)) });
  return kept;
}

async function sameMeaning(file: string, value: unknown, meaning: ManifestMeaning): Promise<boolean> {
  return isDeepStrictEqual((await readMeaning(file, value)).model, meaning.model);
}

/** Rewrites one twin section of A, path by path, until its effective desired properties mean B's. */
class TwinRewriter {
  private readonly layered: boolean;

  constructor(
    private readonly twin: string,
    private readonly section: Record<string, unknown>,
    private readonly meaningA: ManifestMeaning,
    private readonly meaningB: ManifestMeaning,
  ) {
    this.layered = isLayeredSection(section);
  }

  walk(a: unknown, b: unknown, path: string[]): void {
    if (isDeepStrictEqual(a, b)) return;
    const slot = this.slotOf(path);
    if (slot && a !== undefined && b !== undefined && isDeepStrictEqual(this.modelValue(this.meaningA, slot), this.modelValue(this.meaningB, slot))) return;
    if (isPlainObject(a) && isPlainObject(b)) {
      if (slot?.kind === 'module') this.walkModule(a, b, path, slot.name);
      else for (const key of unionKeys(a, b)) this.walk(ownValue(a, key), ownValue(b, key), [...path, key]);
      return;
    }
    const unsafe = prototypeKeyIn(path);
    if (unsafe !== undefined) throw UnsafePathError.forPath(path, unsafe); // even where writeDesiredPath would only add a flattened key
    if (b === undefined) removeDesiredPath(this.section, path);
    else writeDesiredPath(this.section, path, structuredClone(b), this.layered);
  }

  /** Modules and routes compare by meaning (comparable-manifest.ts), not by text. */
  private slotOf(path: readonly string[]): { kind: 'module' | 'route'; name: string } | undefined {
    if (path.length !== 2) return undefined;
    if (this.twin === '$edgeAgent' && (path[0] === 'modules' || path[0] === 'systemModules')) return { kind: 'module', name: path[1]! };
    if (this.twin === '$edgeHub' && path[0] === 'routes') return { kind: 'route', name: path[1]! };
    return undefined;
  }

  private modelValue(meaning: ManifestMeaning, slot: { kind: 'module' | 'route'; name: string }): unknown {
    return ownValue(slot.kind === 'module' ? meaning.model.modules : meaning.model.routes, slot.name);
  }

  private walkModule(a: Desired, b: Desired, path: string[], name: string): void {
    const moduleA = ownValue(this.meaningA.model.modules, name) as Record<string, unknown> | undefined;
    const moduleB = ownValue(this.meaningB.model.modules, name) as Record<string, unknown> | undefined;
    for (const key of unionKeys(a, b)) {
      const keyPath = [...path, key];
      if (key === 'settings' && isPlainObject(a.settings) && isPlainObject(b.settings)) {
        this.walkSettings(a.settings, b.settings, keyPath, isDeepStrictEqual(moduleA?.createOptions, moduleB?.createOptions));
      } else if (['imagePullPolicy', 'startupOrder', 'restartPolicy'].includes(key) && isDeepStrictEqual(moduleA?.[key], moduleB?.[key])) {
        continue; // equal once defaults apply
      } else {
        this.walk(ownValue(a, key), ownValue(b, key), keyPath);
      }
    }
  }

  private walkSettings(a: Desired, b: Desired, path: string[], sameCreateOptions: boolean): void {
    for (const key of unionKeys(a, b)) {
      if (isCreateOptionsKey(key) && sameCreateOptions) continue; // keep A's chunking
      this.walk(ownValue(a, key), ownValue(b, key), [...path, key]);
    }
  }
}

function unionKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...Object.keys(a), ...Object.keys(b).filter((key) => !Object.prototype.hasOwnProperty.call(a, key))];
}
