// Build: precompile the JSON Schemas into standalone ajv validators (so the CLI never
// compiles a schema at start-up), compile TypeScript into dist/, then bundle the CLI into
// dist/bin twice: as ES modules, and as the start-up bundle with its V8 code caches.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import Ajv from 'ajv';
import standaloneCode from 'ajv/dist/standalone/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const schemaDir = join(root, 'schemas');
// Written beside the sources (for tests, which run the TypeScript), into dist/schema (for the
// compiled modules) and dist/bin (for the bundled CLI); tsc leaves these files alone.
const outDirs = [join(root, 'src', 'schema', 'compiled'), join(root, 'dist', 'schema', 'compiled'), join(root, 'dist', 'bin', 'compiled')];
const BASE = 'https://edgewise.dev/schemas/';

/** Exported validator name -> schema reference. */
const ENTRY_POINTS = {
  validateManifest: `${BASE}manifest.schema.json`,
  validateTemplate: `${BASE}manifest-template.schema.json`,
  validateCreateOptions: `${BASE}create-options.schema.json`,
};

/** Counts code points, so a surrogate pair counts once, as JSON Schema's string length does. */
const CODE_POINT_LENGTH = `function codePointLength(text) {
  let length = 0;
  for (let i = 0; i < text.length; i++, length++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return length;
}`;

function compile(allErrors, esm = true) {
  // The fast set only answers valid/invalid; the detailed set (all errors, with the failing
  // schema and data attached) is loaded only when a file is invalid, to write good messages.
  const ajv = new Ajv.default({
    strict: true,
    allowUnionTypes: true, // createOptions accepts "true" where Docker wants true, as edgeAgent does
    allErrors,
    verbose: allErrors,
    inlineRefs: false, // shared definitions stay functions: half the code, same speed here
    code: { source: true, esm, optimize: true },
  });
  for (const name of readdirSync(schemaDir).filter((file) => file.endsWith('.schema.json')).sort()) {
    ajv.addSchema(JSON.parse(readFileSync(join(schemaDir, name), 'utf8')));
  }
  // The only runtime helper the schemas need is a code-point length (for minLength/maxLength);
  // defining it here spares start-up a require() through node_modules.
  const code = standaloneCode.default(ajv, ENTRY_POINTS).replace('require("ajv/dist/runtime/ucs2length").default', 'codePointLength');
  if (/require\(/.test(code)) throw new Error('the generated validators need another ajv runtime helper; provide it in scripts/build.mjs');
  return `${CODE_POINT_LENGTH}\n${code}`;
}

/**
 * ajv's standalone code declares each schema it refers to as `const schemaN = {…};` (JSON), also
 * those no code reads; the fast set would build them at every start. Drops the unread ones.
 */
function dropUnusedSchemaConstants(code) {
  const declaration = /const (schema\d+) = /g;
  const unused = [];
  for (const match of code.matchAll(declaration)) {
    if ((code.match(new RegExp(`\\b${match[1]}\\b`, 'g')) ?? []).length === 1) unused.push({ start: match.index, end: endOfJson(code, match.index + match[0].length) });
  }
  let result = code;
  for (const { start, end } of unused.reverse()) {
    if (result[end] !== ';') throw new Error(`unexpected code after ${result.slice(start, start + 30)}…; check dropUnusedSchemaConstants() in scripts/build.mjs`);
    result = result.slice(0, start) + result.slice(end + 1);
  }
  return result;
}

/** The index just past the JSON value (object, array, string, number, literal) starting at `start`. */
function endOfJson(text, start) {
  let depth = 0;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (char === '"') {
      for (index++; text[index] !== '"'; index++) if (text[index] === '\\') index++;
      if (depth === 0) return index + 1;
    } else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      if (--depth === 0) return index + 1;
    } else if (depth === 0 && /[;,]/.test(char)) return index;
  }
  throw new Error('unterminated JSON in the generated validators');
}

const DECLARATION = `import type { ErrorObject } from 'ajv';
export interface CompiledValidator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}
${Object.keys(ENTRY_POINTS).map((name) => `export declare const ${name}: CompiledValidator;`).join('\n')}
`;

// Keys that users put one level off (Binds beside HostConfig, imagePullPolicy inside settings):
// messages name the right home for them.
function nestingHints() {
  const read = (name) => JSON.parse(readFileSync(join(schemaDir, name), 'utf8'));
  const hostConfig = Object.keys(read('create-options.schema.json').definitions.hostConfig.properties);
  const moduleKeys = Object.keys(read('edge-agent.schema.json').definitions.module.properties);
  return `// Generated by scripts/build.mjs from schemas/. Do not edit.
export const HOST_CONFIG_KEYS = new Set(${JSON.stringify(hostConfig)});
export const MODULE_KEYS = new Set(${JSON.stringify(moduleKeys)});
`;
}
const HINTS_DECLARATION = `export declare const HOST_CONFIG_KEYS: Set<string>;
export declare const MODULE_KEYS: Set<string>;
`;
for (const outDir of outDirs) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'nesting-hints.js'), nestingHints());
  writeFileSync(join(outDir, 'nesting-hints.d.ts'), HINTS_DECLARATION);
}

// The fast set runs on every file, so start-up matters: it is a plain script loaded through
// node:vm with a V8 code cache made here (see load-fast-validators.ts), which saves most of
// its compile time. The detailed set is an ES module, loaded only for invalid files.
const fastSource = `(function (exports, require, module) {\n${dropUnusedSchemaConstants(compile(false, false))}\n})`;
const fastCache = makeCodeCache(fastSource);
const detailedSource = `// Generated by scripts/build.mjs from schemas/. Do not edit.\n${compile(true)}`;
for (const outDir of outDirs) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'fast.cjs'), fastSource);
  writeFileSync(join(outDir, 'fast.cjs.cache'), fastCache);
  writeFileSync(join(outDir, 'detailed.js'), detailedSource);
  writeFileSync(join(outDir, 'detailed.d.ts'), DECLARATION);
}

/** Runs the validators over the bundled templates so their functions are compiled, then caches them. */
function makeCodeCache(source) {
  const script = new Script(source, { filename: 'fast.cjs' });
  const module = { exports: {} };
  script.runInThisContext()(module.exports, undefined, module);
  for (const name of readdirSync(join(root, 'templates')).filter((file) => file.endsWith('.json'))) {
    const manifest = JSON.parse(readFileSync(join(root, 'templates', name), 'utf8'));
    module.exports.validateManifest(manifest);
    module.exports.validateTemplate(manifest);
    module.exports.validateCreateOptions({ HostConfig: { Binds: ['/a:/b'], PortBindings: { '80/tcp': [{ HostPort: '80' }] } } });
  }
  return script.createCachedData();
}

if (!process.argv.includes('--validators-only')) {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json')], { stdio: 'inherit' });
  await bundleCli();
  await bundleStartup();
}

// The ES module build of the CLI: one minified bundle with lazily loaded chunks (the yaml
// library, the detailed validators, the position parser, each command). The runtime commands
// and the worker threads run from it; the manifest commands from the start-up bundle below.
/** Gives commander a lazily loading child_process (see scripts/lazy-child-process.cjs). */
function lazyChildProcess() {
  return {
    name: 'lazy-child-process',
    setup(build) {
      build.onResolve({ filter: /^node:child_process$/ }, (args) =>
        args.importer.includes(join('node_modules', 'commander')) ? { path: join(root, 'scripts', 'lazy-child-process.cjs') } : undefined,
      );
    },
  };
}

async function bundleCli() {
  const { build } = await import('esbuild');
  // Old chunks have hashed names: clear them, but keep the compiled validators beside them.
  const binDir = join(root, 'dist', 'bin');
  // The start-up bundle stays: it is replaced whole later, so runs during a build still start.
  for (const file of readdirSync(binDir).filter((name) => name.endsWith('.js') && name !== 'cli-script.js')) rmSync(join(binDir, file));
  await build({
    entryPoints: { main: join(root, 'dist', 'cli', 'main.js'), 'batch-worker': join(root, 'dist', 'run', 'batch-worker.js') },
    outdir: join(root, 'dist', 'bin'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minify: true,
    mainFields: ['module', 'main'],
    external: ['ajv', 'lmdb', 'dockerode'],
    plugins: [lazyChildProcess()],
    // commander is CommonJS and calls require(); give the ES module bundle one.
    banner: { js: "import{createRequire as __edgewiseRequire}from'node:module';const require=__edgewiseRequire(import.meta.url);" },
    logLevel: 'warning',
  });
}

// The start-up bundle (see src/cli/startup-bundle.ts): the manifest commands as one plain script,
// compiled through node:vm with a V8 code cache, because on Node 20 loading ES modules cannot
// use one. dist/bin/main.js above stays for the runtime commands and the worker threads.
async function bundleStartup() {
  const { build, transform } = await import('esbuild');
  const binDir = join(root, 'dist', 'bin');
  const result = await build({
    entryPoints: [join(root, 'dist', 'cli', 'main.js')],
    outfile: join(binDir, 'cli-script.js'),
    write: false,
    bundle: true,
    format: 'iife',
    platform: 'node',
    target: 'node20',
    minify: true,
    charset: 'ascii', // read back as latin1, which needs no UTF-8 decoding
    mainFields: ['module', 'main'],
    // The script is run as a function of these two (a script has no import.meta, and its own require).
    define: { 'import.meta.url': '__edgewiseMetaUrl' },
    plugins: [lazyChildProcess(), lazyBuiltins({ 'node:crypto': ['createHash'] }), startupBundleSources()],
    metafile: true,
    logLevel: 'warning',
  });
  checkStartupBundle(result.metafile);
  const code = result.outputFiles[0].text;
  if (/[^\x00-\x7f]/.test(code)) throw new Error('the start-up bundle is not ASCII; src/cli/startup-code-cache.ts reads it as latin1');
  const id = createHash('sha256').update(code).digest('hex').slice(0, 16);
  // The first line ties caches to this exact source: V8 itself compares only the source length.
  writeWhole(join(binDir, 'cli-script.js'), `//edgewise-bundle ${id}\n(function (require, __edgewiseMetaUrl) {${code}\n})`);
  // The detailed validators, needed only for invalid files, stay out of the script: the script
  // cannot import() an ES module without a warning on Node 20, so it requires this copy.
  const detailed = await transform(detailedSource, { format: 'cjs', platform: 'node', target: 'node20', minify: true, logLevel: 'warning' });
  writeWhole(join(binDir, 'compiled', 'detailed.cjs'), detailed.code);
  await build({
    entryPoints: [join(root, 'dist', 'cli', 'startup-entry.js')],
    outfile: join(binDir, 'launch.cjs'),
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
  });
  makeShippedCaches(binDir);
}

/**
 * Built-in modules that the start-up path imports but seldom uses are loaded when first called:
 * loading crypto (for SARIF fingerprints) costs more than linting one file. Only the functions
 * named here are exported, so importing anything else from such a module fails the build.
 */
function lazyBuiltins(functionsByModule) {
  const names = Object.keys(functionsByModule);
  const filter = new RegExp(`^(${names.map((name) => `(node:)?${name.replace(/^node:/, '')}`).join('|')})$`);
  return {
    name: 'lazy-builtins',
    setup(build) {
      build.onResolve({ filter }, (args) => (args.namespace === 'lazy-builtin' ? { path: args.path, external: true } : { path: `node:${args.path.replace(/^node:/, '')}`, namespace: 'lazy-builtin' }));
      build.onLoad({ filter: /.*/, namespace: 'lazy-builtin' }, (args) => ({
        contents: [
          `let loaded;`,
          `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
          ...functionsByModule[args.path].map((name) => `export function ${name}(...args) { return load().${name}(...args); }`),
        ].join('\n'),
        loader: 'js',
      }));
    },
  };
}

/** What the start-up bundle holds instead of what it cannot or need not hold. */
function startupBundleSources() {
  const dist = join(root, 'dist');
  const runtimeFolders = [join(dist, 'runtime') + sep, join(dist, 'demo') + sep];
  const fastLoader = join(dist, 'schema', 'load-fast-validators.js');
  const detailedModule = join(dist, 'schema', 'compiled', 'detailed.js');
  return {
    name: 'startup-bundle',
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        if (args.namespace === 'required') return { path: args.path, external: true };
        // import() of a package or a built-in module becomes a require() the script makes itself.
        if (args.kind === 'dynamic-import' && !args.path.startsWith('.')) return { path: args.path, namespace: 'required' };
        if (!args.path.startsWith('.') || !args.resolveDir) return undefined;
        const target = resolve(args.resolveDir, args.path);
        if (runtimeFolders.some((folder) => target.startsWith(folder))) return { path: target, namespace: 'runtime-stub' };
        if (target === detailedModule) return { path: './compiled/detailed.cjs', namespace: 'required' };
        if (target === fastLoader) return { path: target, namespace: 'fast-validators' };
        return undefined;
      });
      build.onLoad({ filter: /.*/, namespace: 'required' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
      // The runtime commands run from dist/bin/main.js (src/cli/startup-commands.ts); a module
      // without import/export is CommonJS to esbuild, so importers' names need not exist here.
      build.onLoad({ filter: /.*/, namespace: 'runtime-stub' }, (args) => ({
        contents: `module.exports = (() => { throw new Error(${JSON.stringify(`${relative(dist, args.path)} is not in the start-up bundle; run this command with EDGEWISE_NO_STARTUP_BUNDLE=1 and report it`)}); })();`,
        loader: 'js',
      }));
      // The fast validators join the script, so their compiled code rides in its cache instead
      // of a second file and cache (load-fast-validators.ts reads them when not bundled).
      build.onLoad({ filter: /.*/, namespace: 'fast-validators' }, () => {
        const exported = readFileSync(fastLoader, 'utf8').match(/^export .*$/gm) ?? [];
        if (exported.length !== 1 || !exported[0].startsWith('export function fastValidators()')) {
          throw new Error(`${relative(root, fastLoader)} no longer exports only fastValidators(); update startupBundleSources() in scripts/build.mjs`);
        }
        return {
          contents: `const factory = ${fastSource};
let loaded;
export function fastValidators() {
  if (loaded === undefined) {
    const module = { exports: {} };
    factory(module.exports, undefined, module);
    loaded = module.exports;
  }
  return loaded;
}`,
          loader: 'js',
        };
      });
    },
  };
}

/** The script can hold no import() (Node 20 would warn) and must not run runtime code at start-up. */
function checkStartupBundle(metafile) {
  const output = Object.values(metafile.outputs)[0];
  const dynamic = output.imports.filter((entry) => entry.kind === 'dynamic-import');
  if (dynamic.length > 0) throw new Error(`the start-up bundle would import() ${dynamic.map((entry) => entry.path).join(', ')}; give it a require() in startupBundleSources()`);
  // Stubs reached through static imports alone would throw at every start.
  const entry = Object.keys(metafile.inputs).find((path) => path.endsWith(join('dist', 'cli', 'main.js').split(sep).join('/')));
  const seen = new Set([entry]);
  for (const path of seen) {
    if (path.startsWith('runtime-stub:')) throw new Error(`the start-up bundle imports the runtime at start-up: ${path}`);
    for (const next of metafile.inputs[path]?.imports ?? []) if (next.kind !== 'dynamic-import' && !next.external) seen.add(next.path);
  }
}

/** Writes a file under a temporary name, then renames it: CLI runs during a build never read half of it. */
function writeWhole(path, data, mode = 0o644) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, data, { mode });
  renameSync(temporary, path);
}

/**
 * Runs a lint and a validate the way a pre-commit hook does, each in a fresh cache folder, and
 * ships the caches they leave (src/cli/startup-entry.ts picks one by command).
 */
function makeShippedCaches(binDir) {
  // A cache of an identical earlier build would serve the runs below, which then leave none.
  for (const name of readdirSync(binDir).filter((file) => file.endsWith('.cache'))) rmSync(join(binDir, name));
  const work = mkdtempSync(join(tmpdir(), 'edgewise-build-'));
  try {
    // A manifest with a finding, so placing and printing findings are in the cache too.
    const manifest = JSON.parse(readFileSync(join(root, 'templates', 'minimal.json'), 'utf8'));
    manifest.modulesContent.$edgeAgent['properties.desired'].runtime.settings.registryCredentials = {
      registry: { address: 'example.azurecr.io', username: 'example', password: 'not-a-placeholder' },
    };
    const file = join(work, 'deployment.json');
    writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
    for (const command of ['lint', 'validate']) {
      const cacheFolder = join(work, command);
      const env = { ...process.env, EDGEWISE_CACHE_DIR: cacheFolder, NO_COLOR: '1' };
      delete env.NODE_OPTIONS; // the caches are for a plain `node`, as bin/edgewise.js is started
      delete env.EDGEWISE_NO_STARTUP_BUNDLE;
      delete env.EDGEWISE_NO_COMPILE_CACHE;
      const run = spawnSync(process.execPath, [join(root, 'bin', 'edgewise.js'), command, file], { cwd: work, env, encoding: 'utf8' });
      if (run.status !== 0 && run.status !== 1) throw new Error(`edgewise ${command} failed while making its compile cache (exit ${run.status}):\n${run.stderr}`);
      const made = readdirSync(cacheFolder).filter((name) => name.endsWith('.cache'));
      if (made.length !== 1) throw new Error(`expected one compile cache from the ${command} run, found ${made.length}`);
      // Mode 0644: readable by every user of a shared install, like the rest of dist/.
      writeWhole(join(binDir, `cli-script.${command}.cache`), readFileSync(join(cacheFolder, made[0])), 0o644);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
