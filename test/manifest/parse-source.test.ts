import { describe, expect, it } from 'vitest';
import { parseSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';
import type { Finding } from '../../src/findings.js';
import { duplicateKey, duplicateKeyProblem } from '../../src/rules/duplicate-key.js';
import { pendingFinding } from '../../src/rules/rule.js';

async function parseFindings(file: string, text: string): Promise<Finding[]> {
  const result = await parseSource({ file, text });
  if (!result.ok) return await placeFindings(file, text, [result.finding]);
  // Duplicate keys come as data; the duplicate-key rule words them.
  const duplicates = result.duplicateKeys.map((duplicate) => pendingFinding(duplicateKey, duplicateKeyProblem(duplicate), 'error'));
  return await placeFindings(file, text, duplicates, result.source);
}

describe('parseSource', () => {
  it('reports a JSON syntax error at its line and column, with the reason', async () => {
    const findings = await parseFindings('bad.json', '{\n  "a": 1,\n  "b": ,\n}');
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ ruleId: 'parse', severity: 'error', line: 3, column: 8 });
    expect(findings[0]!.message).toMatch(/^invalid JSON: a value was expected/);
  });

  it('reports a trailing comma that JSON.parse refuses', async () => {
    const findings = await parseFindings('trailing.json', '{"a": 1,}');
    expect(findings[0]).toMatchObject({ ruleId: 'parse', line: 1 });
  });

  it('accepts a UTF-8 byte order mark', async () => {
    const result = await parseSource({ file: 'bom.json', text: '\uFEFF{"a": 1}' });
    expect(result.ok && result.source.value).toEqual({ a: 1 });
  });

  it('reports duplicate keys in JSON with both positions', async () => {
    const text = '{\n  "routes": {\n    "r": "FROM /messages/* INTO $upstream",\n    "r": "x"\n  }\n}';
    const findings = await parseFindings('dup.json', text);
    expect(findings).toEqual([
      expect.objectContaining({ ruleId: 'duplicate-key', pointer: '/routes/r', line: 4, column: 5 }),
    ]);
    expect(findings[0]!.message).toContain('first occurrence at line 3, column 5');
  });

  it('reports duplicate keys in YAML with both positions', async () => {
    const findings = await parseFindings('dup.yaml', 'a: 1\nb:\n  c: 1\n  c: 2\n');
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'duplicate-key', pointer: '/b/c', line: 4, column: 3 })]);
    expect(findings[0]!.message).toContain('line 3, column 3');
  });

  it('sniffs JSON and YAML on stdin', async () => {
    const json = await parseSource({ file: '<stdin>', text: '  {"a": [1]}' });
    const yaml = await parseSource({ file: '<stdin>', text: 'a:\n  - 1\n' });
    expect(json.ok && json.source.format).toBe('json');
    expect(yaml.ok && yaml.source.format).toBe('yaml');
    expect(yaml.ok && yaml.source.value).toEqual({ a: [1] });
  });

  it('refuses a billion-laughs YAML quickly with a clear message', async () => {
    const levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) {
      const previous = String.fromCharCode(96 + i);
      const name = String.fromCharCode(97 + i);
      levels.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`);
    }
    const findings = await parseFindings('lol.yaml', levels.join('\n') + '\n');
    expect(findings).toHaveLength(1);
    expect(findings[0]!.message).toMatch(/aliases expand past the limit/);
  });

  it('refuses custom YAML tags at their position', async () => {
    const findings = await parseFindings('tag.yaml', 'a: 1\nb: !include other.yaml\n');
    expect(findings[0]).toMatchObject({ ruleId: 'parse', line: 2, column: 4 });
    expect(findings[0]!.message).toMatch(/custom YAML tag !include/);
  });

  it('refuses several YAML documents in one file', async () => {
    const findings = await parseFindings('multi.yaml', 'a: 1\n---\nb: 2\n');
    expect(findings[0]).toMatchObject({ ruleId: 'parse', severity: 'error' });
  });

  it('reports YAML syntax errors at their position', async () => {
    const findings = await parseFindings('broken.yaml', 'a: 1\nb: [1, 2\n');
    expect(findings[0]).toMatchObject({ ruleId: 'parse', line: expect.any(Number) });
    expect(findings[0]!.message).toMatch(/^invalid YAML: /);
  });
});

describe('very deep nesting', () => {
  it('gives one parse finding at the point where nesting runs away, not an internal error', async () => {
    const { validateSource } = await import('../../src/validate/validate-source.js');
    const text = '{"modulesContent": ' + '['.repeat(100_000) + ']'.repeat(100_000) + '}';
    const { findings } = await validateSource({ file: 'deep.json', text });
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'parse', line: 1, column: '{"modulesContent": '.length + 100 })]);
    expect(findings[0]!.message).toMatch(/nests so deeply/);
  });

  it('does the same for YAML', async () => {
    const text = 'modulesContent:\n' + Array.from({ length: 2000 }, (_, i) => '  '.repeat(i + 1) + 'a:\n').join('');
    const findings = await parseFindings('deep.yaml', text);
    expect(findings[0]).toMatchObject({ ruleId: 'parse' });
    expect(findings[0]!.message).toMatch(/nests so deeply/);
  });
});
