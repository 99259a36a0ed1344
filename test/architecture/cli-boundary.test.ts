// Issue 10: the library never prints or exits. Only src/cli/ (and bin/, the executable's stub)
// parses arguments with commander, writes to stdout or stderr, and turns results and errors into
// exit codes; every other module returns data or throws a typed error (src/errors.ts), so that
// the CLI, the library API and the runtime share one core. Nothing outside src/cli/ imports it.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SOURCE = join(ROOT, 'src');

/** Every TypeScript file of src/ outside src/cli/, as a path from the repository root. */
function libraryFiles(folder = SOURCE): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return path === join(SOURCE, 'cli') || entry.name === 'compiled' ? [] : libraryFiles(path);
    return entry.name.endsWith('.ts') ? [relative(ROOT, path).split(sep).join('/')] : [];
  });
}

/** The files whose text (comments left out) matches the pattern, with the first line that does. */
function offenders(pattern: RegExp): string[] {
  return libraryFiles().flatMap((file) => {
    const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
    const index = lines.findIndex((line) => !/^\s*(\/\/|\*|\/\*)/.test(line) && pattern.test(line.replace(/\/\/.*$/, '')));
    return index === -1 ? [] : [`${file}:${index + 1}: ${lines[index]!.trim()}`];
  });
}

describe('the CLI boundary', () => {
  it('finds the library files it checks', () => {
    // A walk that found nothing would let every check below pass.
    expect(libraryFiles()).toEqual(expect.arrayContaining(['src/run/lint-files.ts', 'src/run/validate-files.ts', 'src/errors.ts']));
  });

  it('only src/cli/ imports commander', () => {
    expect(offenders(/(from\s*|import\s*\(\s*|require\s*\(\s*)['"]commander(\/[^'"]*)?['"]/)).toEqual([]);
  });

  it('only src/cli/ decides an exit code or exits', () => {
    expect(offenders(/\bprocess\.exitCode\b|\bprocess\.exit\b|\bprocess\.abort\b/)).toEqual([]);
  });

  it('only src/cli/ writes to stdout or stderr', () => {
    expect(offenders(/\bprocess\.(stdout|stderr)\b|\bconsole\.(log|info|warn|error|debug|trace)\b/)).toEqual([]);
  });

  it('nothing outside src/cli/ imports from it', () => {
    expect(offenders(/(from\s*|import\s*\(\s*)['"](\.\.?\/)+(\.\.\/)*cli\//)).toEqual([]);
  });
});
