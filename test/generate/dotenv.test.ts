// .env reading as python-dotenv does it (iotedgedev loads .env with it).
import { describe, expect, it } from 'vitest';
import { parseDotenv } from '../../src/generate/dotenv.js';

describe('parseDotenv', () => {
  it('reads KEY=value, export, quotes, escapes and inline comments', () => {
    const { values, problems } = parseDotenv(
      [
        '# comment',
        '',
        'PLAIN=value with spaces   # inline comment',
        'export EXPORTED=yes',
        "SINGLE='literal ${PLAIN} \\n'",
        'DOUBLE="a\\"quote\\" and\\nnewline"',
        'HASH=abc#def',
        'EMPTY=',
        'SPACED = padded',
        'MULTI="line one',
        'line two"',
        'WINDOWS=C:\\edge\\logs',
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({
      PLAIN: 'value with spaces',
      EXPORTED: 'yes',
      SINGLE: 'literal ${PLAIN} \\n',
      DOUBLE: 'a"quote" and\nnewline',
      HASH: 'abc#def',
      EMPTY: '',
      SPACED: 'padded',
      MULTI: 'line one\nline two',
      WINDOWS: 'C:\\edge\\logs',
    });
  });

  it('interpolates ${VAR} and ${VAR:-default}, the real environment first', () => {
    const { values } = parseDotenv('REGISTRY=localhost:5000\nIMAGE=${REGISTRY}/filter\nHOST=${HOSTNAME}\nTAG=${MISSING:-latest}\nBARE=$REGISTRY', { HOSTNAME: 'edge-01' });
    expect(values.get('IMAGE')).toBe('localhost:5000/filter');
    expect(values.get('HOST')).toBe('edge-01');
    expect(values.get('TAG')).toBe('latest');
    expect(values.get('BARE')).toBe('$REGISTRY'); // python-dotenv only expands the braced form
  });

  it('reports lines it cannot read, and goes on', () => {
    const { values, problems } = parseDotenv('GOOD=1\nthis is not a variable\nQUOTE="never closed\nLATER=2');
    expect(values.get('GOOD')).toBe('1');
    expect(problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(problems[1]!.message).toContain('never closed');
  });
});
