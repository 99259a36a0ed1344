// The variables `gen` expands: the real environment, then a .env file (python-dotenv's
// load_dotenv without override, as iotedgedev loads it: the real environment wins).
// Without --env, ./.env (or $DOTENV_FILE) is read when it exists, as iotedgedev does.
// Solution settings (DEFAULT_PLATFORM, DEPLOYMENT_CONFIG_TEMPLATE_FILE, CONFIG_OUTPUT_DIR,
// MODULES_PATH) are read as iotedgedev's EnvVars.get_envvar reads them: the value is trimmed and
// an empty one counts as unset, so the default applies (Azure/iotedgedev iotedgedev/envvars.py).
// A name is looked up as an own entry holding a string: `${toString}` or `${__proto__}` is a
// variable like any other (unset unless the environment or .env sets it), never something
// every JavaScript object inherits.
import { existsSync } from 'node:fs';
import { readRegularFile } from '../manifest/bounded-read.js';
import { MAX_FILE_BYTES } from '../manifest/read-inputs.js';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../errors.js';
import { parseDotenv } from './dotenv.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Variables {
  get(name: string): string | undefined;
  /** A solution setting: trimmed, undefined when unset or empty. */
  setting(name: string): string | undefined;
  /** The .env file read, if any (for messages). */
  envFile?: string;
  /** Lines of the .env file that could not be read. */
  warnings: string[];
}

export function loadVariables(given: Environment, cwd: string, envFile?: string): Variables {
  const environment = ownStrings(given);
  const explicit = envFile !== undefined;
  const named = envFile ?? environment.DOTENV_FILE?.replace(/^["']|["']$/g, '') ?? '.env';
  const path = isAbsolute(named) ? named : join(cwd, named);
  if (!existsSync(path)) {
    if (explicit) throw new InputError(`${named}: no such .env file; check the --env path`);
    const get = (name: string): string | undefined => environment[name];
    return { get, setting: settingOf(get), warnings: [] };
  }
  // A FIFO or device given as --env must not block or fill memory: read as a manifest is.
  const read = readRegularFile(path, MAX_FILE_BYTES);
  if (!read.ok) throw new InputError(`${named}: cannot use it as the .env file: ${read.message}`);
  const text = read.text;
  const parsed = parseDotenv(text, environment);
  const get = (name: string): string | undefined => environment[name] ?? parsed.values.get(name);
  return {
    get,
    setting: settingOf(get),
    envFile: named,
    warnings: parsed.problems.map((problem) => `${named}:${problem.line}: ${problem.message}; the line is skipped`),
  };
}

/** The environment's own string entries, in an object with no prototype to inherit names from. */
function ownStrings(environment: Environment): Environment {
  const own: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(environment)) if (typeof value === 'string') own[name] = value;
  return own;
}

function settingOf(get: (name: string) => string | undefined): (name: string) => string | undefined {
  return (name) => {
    const value = get(name)?.trim();
    return value === '' ? undefined : value;
  };
}
