// git's external diff calling convention (git(1), GIT_EXTERNAL_DIFF).
import { describe, expect, it } from 'vitest';
import { gitDiffPaths, isGitDiffCall } from '../../src/diff/git-diff-args.js';
import { InputError } from '../../src/errors.js';

describe('git external diff arguments', () => {
  it('takes the old and new files, and labels them by path', () => {
    const args = ['config/deployment.json', '/tmp/git-blob-abc/deployment.json', 'a1b2c3', '100644', 'config/deployment.json', '0000000', '100644'];
    expect(isGitDiffCall(args)).toBe(true);
    expect(gitDiffPaths(args)).toEqual({ pathA: '/tmp/git-blob-abc/deployment.json', pathB: 'config/deployment.json', labelA: 'a/config/deployment.json', labelB: 'b/config/deployment.json' });
  });

  it('a renamed file comes with two more arguments', () => {
    const args = ['old.json', '/tmp/a', 'a1', '100644', '/tmp/b', 'b2', '100644', 'new.json', 'similarity index 90%\nrename from old.json\nrename to new.json\n'];
    expect(gitDiffPaths(args)).toMatchObject({ labelA: 'a/old.json', labelB: 'b/new.json' });
  });

  it('anything else is a usage error', () => {
    expect(isGitDiffCall(['a.json', 'b.json'])).toBe(false);
    expect(() => gitDiffPaths(['a.json', 'b.json'])).toThrow(InputError);
  });
});
