// Issue 9 asks that every command use the same guarded loader, so that the next special file or
// nesting trick meets the guards wherever it enters. This keeps it so: user files are read only
// by src/manifest/bounded-read.ts (regular files, size limit, stdin bounded), and YAML from a
// user is first parsed only by src/manifest/yaml-source.ts (depth, aliases, tags), behind
// parseSource. Other readers and parsers are listed here with the reason they are safe.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './loader-cli.js';

const SOURCE = join(ROOT, 'src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'compiled' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

function filesMatching(pattern: RegExp): string[] {
  return sourceFiles(SOURCE).filter((file) => pattern.test(readFileSync(join(ROOT, file), 'utf8'))).sort();
}

describe('one guarded loader', () => {
  it('reads files only through bounded-read.ts', () => {
    const allowed = new Map([
      ['src/manifest/bounded-read.ts', 'the guarded reader itself'],
      ['src/schema/load-fast-validators.ts', 'reads the validators bundled with edgewise'],
      ['src/init/init-manifest.ts', 'reads the templates bundled with edgewise'],
      ['src/runtime/agent/process/module-log-reader.ts', 'reads module logs in DATA/logs for edgewise logs: opened without following links or blocking, regular files only'],
      ['src/runtime/agent/process/module-log-writer.ts', "opens DATA/logs/{module}.log to append a module's output (write-only, no links followed, owner-only); reads nothing"],
      ['src/schema/schema-files.ts', 'reads the JSON Schemas shipped in schemas/ for edgewise schema'],
      ['src/runtime/status-page/chart-library.ts', "reads uPlot's browser script and stylesheet from its installed package, once per status page"],
      ['src/manifest/write-file-atomic.ts', 'opens only the temporary file it creates beside an output, and that folder to flush the rename; reads nothing'],
      ['src/cli/startup-code-cache.ts', "reads edgewise's start-up bundle and its compile caches (dist/bin, the user's cache folder); writes a user's cache owner-only, whole then renamed"],
      ['src/runtime/store/hub-store-check.ts', "reads the lmdb header pages and every tree page of the hub's and the emulator's data.mdb before lmdb maps it (a damaged page would crash lmdb)"],
    ]);
    // Imports of node:fs's readers by name, or of the whole module (fs.readFileSync…).
    const readers = filesMatching(/import\s*\{[^}]*\b(readFileSync|openSync|readSync|createReadStream|readFile|open)\b[^}]*\}\s*from\s*'(node:)?fs(\/promises)?'|import\s*\*\s*as\s*\w+\s*from\s*'(node:)?fs/);
    expect(readers.filter((file) => !allowed.has(file))).toEqual([]);
  });

  it('parses YAML from a user first only in yaml-source.ts', () => {
    const allowed = new Map([
      ['src/manifest/yaml-source.ts', 'the guarded parser itself'],
      ['src/manifest/yaml-to-json.ts', 'parses again text parseSource accepted (convert)'],
      ['src/lint/apply-fixes.ts', 'parses again text parseSource accepted (fixes, offline enable)'],
      ['src/generate/generate-manifest.ts', 'parses again a template parseSource accepted, and single scalars'],
    ]);
    const parsers = filesMatching(/\b(parseDocument|parseAllDocuments|parse as \w+|new (Parser|Lexer|Composer))\b/);
    expect(parsers.filter((file) => !allowed.has(file))).toEqual([]);
  });

  it('writes command output only through write-file-atomic.ts, and runtime files where listed', () => {
    const allowed = new Map([
      // output-paths.ts (every command's outputs) and lint-inputs.ts (lint --fix) write through
      // manifest/write-file-atomic.ts, which opens a temporary file and renames it: whole or not at all.
      ['src/runtime/data-folder/certificates.ts', "the emulator's own openssl config in its data folder"],
      ['src/runtime/cloud/cloud-info.ts', "the emulator's cloud.json, in its data folder, written whole then renamed"],
      ['src/runtime/cloud/owner-policy-keys.ts', "the emulator's iothubowner keys, in its data folder, written whole then renamed"],
      ['src/runtime/data-folder/data-folder-lock.ts', "a server's lock file in its data folder (created exclusively)"],
      ['src/runtime/agent/process/process-records.ts', "the process backend's pid records, DATA/process-modules.json, written whole then renamed"],
      ['src/runtime/hub/hub-info.ts', "the hub's hub.json, in its data folder, written whole then renamed"],
      ['src/runtime/hub/edge-certificates.ts', 'DIR/edge-ca.pem, a copy of the edge CA clients trust, written whole then renamed'],
      ['src/runtime/hub/identity/identity-cache-key.ts', "the hub's identity-cache seal key, in its data folder, created exclusively, owner-only"],
    ]);
    const writers = filesMatching(/import\s*\{[^}]*\b(writeFileSync|appendFileSync|createWriteStream|writeFile)\b[^}]*\}\s*from\s*'(node:)?fs(\/promises)?'|import\s*\*\s*as\s*\w+\s*from\s*'(node:)?fs/);
    expect(writers.filter((file) => !allowed.has(file))).toEqual([]);
  });
});
