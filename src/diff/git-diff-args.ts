// git runs an external diff driver (diff.<driver>.command, chosen by a `diff=<driver>` attribute
// in .gitattributes) with seven arguments: path old-file old-hex old-mode new-file new-hex
// new-mode, plus new-path and a rename note for a renamed file (git(1), GIT_EXTERNAL_DIFF). The
// files are temporary copies, or /dev/null for an added or deleted file, so the labels come from
// the paths. Unless diff.<driver>.trustExitCode is set (git 2.46+), git treats any non-zero
// exit as fatal, so use --exit-code only together with it.
import { InputError } from '../errors.js';

export interface GitDiffPaths {
  pathA: string;
  pathB: string;
  labelA: string;
  labelB: string;
}

/** Whether positional arguments look like a git external-diff call. */
export function isGitDiffCall(args: readonly string[]): boolean {
  return args.length === 7 || args.length === 9;
}

export function gitDiffPaths(args: readonly string[]): GitDiffPaths {
  if (!isGitDiffCall(args)) {
    throw new InputError(`git passes 7 arguments to a diff driver (path old-file old-hex old-mode new-file new-hex new-mode), or 9 for a rename; got ${args.length}`);
  }
  const path = args[0]!;
  const newPath = args.length === 9 ? args[7]! : path;
  return { pathA: args[1]!, pathB: args[4]!, labelA: `a/${path}`, labelB: `b/${newPath}` };
}
