// The modules file of the process backend (`--modules FILE`): what runs each module of the
// deployment on this machine, in place of an image. It is read like every user file (the guarded
// reader and YAML parser), and every mistake is one InputError naming FILE:line:column and what to
// write instead.
//
//   modules:
//     filter:
//       command: [node, filter.mjs]   # argv, run without a shell
//       cwd: ./filter                 # relative to this file; default: this file's folder
//       env: { LOG_LEVEL: debug }     # under the deployment's env, as an image's ENV is
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../../../errors.js';
import { readRegularFile } from '../../../manifest/bounded-read.js';
import { appendPointer } from '../../../manifest/json-pointer.js';
import { LineIndex } from '../../../manifest/line-index.js';
import { isPlainObject } from '../../../manifest/manifest-shape.js';
import { parseSource } from '../../../manifest/parse-source.js';
import { MAX_FILE_BYTES } from '../../../manifest/read-inputs.js';

/** What runs one module. */
export interface ModuleCommand {
  /** argv: the program, then its arguments. A relative program path resolves against `cwd`. */
  command: string[];
  /** Absolute working folder. */
  cwd: string;
  env: Record<string, string>;
}

export interface ModulesFile {
  /** The path as given, for messages. */
  file: string;
  modules: Record<string, ModuleCommand>;
}

const ENTRY_KEYS = ['command', 'cwd', 'env'];
const EXAMPLE = 'modules: { NAME: { command: [node, main.mjs], cwd: ./NAME } }';

export async function readModulesFile(file: string): Promise<ModulesFile> {
  const read = readRegularFile(file, MAX_FILE_BYTES);
  if (!read.ok) throw new InputError(`${file}: cannot use it as the modules file: ${read.message}`, 'modules-file');
  const text = read.text;
  const lines = new LineIndex(text);
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    const at = lines.locate(parsed.finding.offset ?? 0);
    throw new InputError(`${file}:${at.line}:${at.column}: ${parsed.finding.message}`, 'modules-file');
  }
  const tree = await parsed.source.tree();
  const fail = (pointer: string, message: string, at: 'key' | 'value' = 'key'): never => {
    const location = tree.locate(pointer);
    const offset = at === 'key' ? (location.keyOffset ?? location.valueOffset) : location.valueOffset;
    const place = lines.locate(offset);
    throw new InputError(`${file}:${place.line}:${place.column}: ${message}`, 'modules-file');
  };

  const root = parsed.source.value;
  if (!isPlainObject(root)) return fail('', `a modules file is a mapping with one key, \`modules\`, e.g. ${EXAMPLE}`, 'value');
  for (const key of Object.keys(root)) if (key !== 'modules') fail(`/${key}`, `unknown key \`${key}\`; a modules file has one key, \`modules\``);
  if (!isPlainObject(root.modules)) {
    return fail(root.modules === undefined ? '' : '/modules', `\`modules\` must map each module name to what runs it, e.g. ${EXAMPLE}`, 'value');
  }
  const folder = dirname(resolve(file));
  // No prototype: a module named `__proto__` is a plain entry, and lookups see only the file's names.
  const modules: Record<string, ModuleCommand> = Object.create(null) as Record<string, ModuleCommand>;
  for (const [name, entry] of Object.entries(root.modules)) {
    const pointer = appendPointer('/modules', name);
    if (!isPlainObject(entry)) fail(pointer, `module \`${name}\` must be a mapping with \`command\` (and optional \`cwd\`, \`env\`), e.g. ${name}: { command: [node, main.mjs] }`);
    const fields = entry as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!ENTRY_KEYS.includes(key)) fail(appendPointer(pointer, key), `unknown key \`${key}\` in module \`${name}\`; use command, cwd or env`);
    }
    const command = commandOf(fields.command);
    if (command === undefined) {
      const where = fields.command === undefined ? pointer : appendPointer(pointer, 'command');
      fail(where, `module \`${name}\` needs \`command\`: a list of the program and its arguments, e.g. command: [node, main.mjs] (it runs without a shell)`, fields.command === undefined ? 'key' : 'value');
    }
    let cwd = folder;
    if (fields.cwd !== undefined) {
      if (typeof fields.cwd !== 'string' || fields.cwd === '') fail(appendPointer(pointer, 'cwd'), `\`cwd\` of module \`${name}\` must be a folder path, relative to this file`, 'value');
      cwd = resolve(folder, fields.cwd as string);
      if (!isFolder(cwd)) fail(appendPointer(pointer, 'cwd'), `\`cwd\` of module \`${name}\` names ${cwd}, which is not a folder; create it or fix the path (relative to this file)`, 'value');
    }
    modules[name] = { command: command!, cwd, env: envOf(fields.env, appendPointer(pointer, 'env'), name, fail) };
  }
  return { file, modules };
}

function commandOf(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.every((part) => typeof part === 'string' || typeof part === 'number') && value[0] !== '' ? value.map(String) : undefined;
}

/** Scalars become strings (`PORT: 8080` is common YAML); anything else is a mistake. */
function envOf(value: unknown, pointer: string, name: string, fail: (pointer: string, message: string, at?: 'key' | 'value') => never): Record<string, string> {
  if (value === undefined) return {};
  if (!isPlainObject(value)) return fail(pointer, `\`env\` of module \`${name}\` must map variable names to values, e.g. env: { LOG_LEVEL: debug }`, 'value');
  const env: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key === '' || key.includes('=') || key.includes('\0')) fail(appendPointer(pointer, key), `\`${key}\` cannot be an environment variable name`);
    if (typeof entry !== 'string' && typeof entry !== 'number' && typeof entry !== 'boolean') {
      fail(appendPointer(pointer, key), `environment variable \`${key}\` of module \`${name}\` must be a string, number or boolean`, 'value');
    }
    env[key] = String(entry);
  }
  return env;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
