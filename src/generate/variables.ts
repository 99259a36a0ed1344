// The variables `gen` expands: the real environment, then a .env file (python-dotenv's
// load_dotenv without override, as iotedgedev loads it: the real environment wins).
// Without --env, ./.env (or $DOTENV_FILE) is read when it exists, as iotedgedev does.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { InputError } from '../manifest/read-inputs.js';
import { parseDotenv } from './dotenv.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface Variables {
  get(name: string): string | undefined;
  /** The .env file read, if any (for messages). */
  envFile?: string;
  /** Lines of the .env file that could not be read. */
  warnings: string[];
}

export function loadVariables(environment: Environment, cwd: string, envFile?: string): Variables {
  const explicit = envFile !== undefined;
  const named = envFile ?? environment.DOTENV_FILE?.replace(/^["']|["']$/g, '') ?? '.env';
  const path = isAbsolute(named) ? named : join(cwd, named);
  if (!existsSync(path)) {
    if (explicit) throw new InputError(`${named}: no such .env file; check the --env path`);
    return { get: (name) => environment[name], warnings: [] };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${named}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  const parsed = parseDotenv(text, environment);
  return {
    get: (name) => environment[name] ?? parsed.values.get(name),
    envFile: named,
    warnings: parsed.problems.map((problem) => `${named}:${problem.line}: ${problem.message}; the line is skipped`),
  };
}
