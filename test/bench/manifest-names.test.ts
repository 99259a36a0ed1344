// The benchmark's second manifest set: the same generator with a name of its own for every
// module, output, input, env variable, route and twin property, so a cache keyed on names gets
// no help from it. The common-name set must stay what it was (issue 10's figures used it).
import { describe, expect, it } from 'vitest';
import { buildManifest, DEFAULT_SEED } from '../../bench/generate-manifests.mjs';

type Settings = Record<string, string>;
type Module = { env?: Record<string, unknown>; settings: Settings };
type Manifest = {
  modulesContent: Record<string, Record<string, unknown>> & {
    $edgeAgent: { 'properties.desired': { modules: Record<string, Module> } };
    $edgeHub: { 'properties.desired': { routes: Record<string, string | { route: string }> } };
  };
};

const build = (index: number, names?: string): Manifest => JSON.parse(buildManifest(DEFAULT_SEED, index, names) as string) as Manifest;

function namesIn(manifest: Manifest) {
  const modules = manifest.modulesContent.$edgeAgent['properties.desired'].modules;
  const routes = manifest.modulesContent.$edgeHub['properties.desired'].routes;
  const statements = Object.values(routes).map((r) => (typeof r === 'string' ? r : r.route));
  return {
    modules: Object.keys(modules),
    env: Object.values(modules).flatMap((m) => Object.keys(m.env ?? {})),
    routes: Object.keys(routes),
    endpoints: statements.flatMap((s) => [...s.matchAll(/\/(?:outputs|inputs)\/([^/"\s]+)/g)].map((m) => m[1]!)).filter((n) => n !== '*'),
    statements,
  };
}

describe('generate-manifests --names', () => {
  it('gives the common-name set by default', () => {
    for (const index of [0, 1, 2]) expect(buildManifest(DEFAULT_SEED, index, 'common')).toBe(buildManifest(DEFAULT_SEED, index));
  });

  it('shares no module, env, route or endpoint name with the common set, nor between its own files', () => {
    const kinds = ['modules', 'env', 'routes', 'endpoints'] as const;
    const common = Object.fromEntries(kinds.map((kind) => [kind, new Set<string>()]));
    const fileOf = Object.fromEntries(kinds.map((kind) => [kind, new Map<string, number>()]));
    for (let index = 0; index < 40; index++) {
      const c = namesIn(build(index));
      const u = namesIn(build(index, 'unique'));
      for (const kind of kinds) {
        c[kind].forEach((name) => common[kind]!.add(name));
        for (const name of u[kind]) {
          expect(common[kind]!.has(name), `${kind} ${name}`).toBe(false);
          expect(fileOf[kind]!.get(name) ?? index, `${kind} ${name} in two files`).toBe(index);
          fileOf[kind]!.set(name, index);
        }
      }
    }
    for (const kind of kinds) expect(fileOf[kind]!.size, kind).toBeGreaterThan(20);
  });

  it('keeps names valid and routes pointing at modules of the same file', () => {
    for (let index = 0; index < 40; index++) {
      const names = namesIn(build(index, 'unique'));
      for (const name of [...names.modules, ...names.routes, ...names.env]) expect(name).toMatch(/^[A-Za-z0-9_]+$/);
      for (const statement of names.statements) {
        for (const [, module] of statement.matchAll(/\/modules\/([^/]+)\//g)) expect(names.modules).toContain(module);
      }
    }
  });
});
