// Loads the fast validators (a generated plain script) through node:vm with the V8 code cache
// that the build made, so a one-file run skips most of their compile time. A cache that V8
// rejects (another Node version) only costs the normal compile.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { CompiledValidator } from './compiled/detailed.js';

export type ValidatorName = 'validateManifest' | 'validateTemplate' | 'validateCreateOptions';
export type ValidatorSet = Record<ValidatorName, CompiledValidator>;

let loaded: ValidatorSet | undefined;

/** The fast validators, loaded on first use. */
export function fastValidators(): ValidatorSet {
  loaded ??= loadFastValidators();
  return loaded;
}

function loadFastValidators(): ValidatorSet {
  const codeUrl = new URL('./compiled/fast.cjs', import.meta.url);
  const source = readFileSync(codeUrl, 'utf8');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(new URL('./compiled/fast.cjs.cache', import.meta.url));
  } catch {
    cachedData = undefined; // no cache: compile as usual
  }
  const script = new Script(source, { filename: fileURLToPath(codeUrl), cachedData });
  const module = { exports: {} as ValidatorSet };
  const factory = script.runInThisContext() as (exports: ValidatorSet, require: undefined, module: { exports: ValidatorSet }) => void;
  factory(module.exports, undefined, module); // the generated code needs no require (see scripts/build.mjs)
  return module.exports;
}
