import { describe, expect, it } from 'vitest';
import { explainInvalidJson, joinCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { parseSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';
import type { LoadProblem, PendingFinding } from '../../src/findings.js';
import { RULES_BY_ID } from '../../src/rules/index.js';
import { pendingFinding } from '../../src/rules/rule.js';

/** Problems as findings in the words of the rules that own them (create-options-chunks, create-options-json). */
function worded(problems: readonly LoadProblem[] = []): PendingFinding[] {
  return problems.map((problem) => {
    const rule = RULES_BY_ID.get(problem.ruleId)!;
    return pendingFinding(rule, problem, problem.severity ?? rule.meta.defaultSeverity);
  });
}

describe('joinCreateOptions', () => {
  it('joins contiguous chunks in numeric order and parses them', async () => {
    const settings = { image: 'x', createOptions01: 'Config":{"Bind', createOptions: '{"Host', createOptions02: 's":[]}}' };
    const joined = joinCreateOptions(settings, '/s');
    expect(joined?.problems).toEqual([]);
    expect(joined?.value).toEqual({ HostConfig: { Binds: [] } });
    expect(joined?.chunks.map((chunk) => chunk.key)).toEqual(['createOptions', 'createOptions01', 'createOptions02']);
  });

  it('reads chunk keys case-insensitively, as edgeAgent does', async () => {
    const joined = joinCreateOptions({ CreateOptions: '{"A":', CREATEOPTIONS01: '1}' }, '/s');
    expect(joined?.value).toEqual({ A: 1 });
  });

  it('refuses a gap in the numbering, at the chunk after the gap', async () => {
    const joined = joinCreateOptions({ createOptions: '{', createOptions01: '', createOptions03: '}' }, '/s');
    expect(worded(joined?.problems)).toEqual([expect.objectContaining({ ruleId: 'create-options-chunks', pointer: '/s/createOptions03' })]);
    expect(worded(joined?.problems)[0]!.message).toContain('without `createOptions02`');
    expect(joined?.value).toBeUndefined();
  });

  it('treats empty, blank and "null" as no options', async () => {
    for (const text of ['', '   ', 'null']) {
      const joined = joinCreateOptions({ createOptions: text }, '/s');
      expect(joined?.problems).toEqual([]);
      expect(joined?.value).toBeUndefined();
    }
  });

  it('refuses JSON that is not an object', async () => {
    const joined = joinCreateOptions({ createOptions: '[1,2,3]' }, '/s');
    expect(worded(joined?.problems)[0]).toMatchObject({ ruleId: 'create-options-json' });
    expect(worded(joined?.problems)[0]!.message).toContain('got an array');
  });

  it('keeps an object createOptions (template flavour) as it is', async () => {
    const joined = joinCreateOptions({ createOptions: { HostConfig: {} } }, '/s');
    expect(joined).toMatchObject({ form: 'object', value: { HostConfig: {} } });
  });
});

describe('errors inside embedded createOptions JSON', () => {
  it('land on the line and column of the bad character in the file, across escapes and chunks', async () => {
    const text = [
      '{',
      '  "settings": {',
      '    "createOptions": "{\\"HostConfig\\":{\\"Binds\\":[\\"/a:/b\\"",',
      '    "createOptions01": ",,]}}"',
      '  }',
      '}',
    ].join('\n');
    const parsed = await parseSource({ file: 'm.json', text });
    if (!parsed.ok) throw new Error('fixture must parse');
    const joined = joinCreateOptions((parsed.source.value as { settings: Record<string, unknown> }).settings, '/settings')!;
    await explainInvalidJson(joined);
    const [finding] = await placeFindings('m.json', text, worded(joined.problems), parsed.source, [joined]);
    // The second comma of ",,]" is the error: line 4, after `    "createOptions01": "` and one comma.
    const line4 = text.split('\n')[3]!;
    expect(finding).toMatchObject({ ruleId: 'create-options-json', line: 4, column: line4.indexOf(',,') + 2 });
  });

  it('read text only Newtonsoft.Json accepts, with a warning at the first departure, not an error', async () => {
    // Unquoted keys across two chunks, as a hand-edited manifest has them.
    const text = '{"settings": {"createOptions": "{HostConfig: {Bin", "createOptions01": "ds: [\\"/a:/b\\"]}}"}}';
    const parsed = await parseSource({ file: 'm.json', text });
    if (!parsed.ok) throw new Error('fixture must parse');
    const joined = joinCreateOptions((parsed.source.value as { settings: Record<string, unknown> }).settings, '/settings')!;
    await explainInvalidJson(joined);
    expect(joined.value).toEqual({ HostConfig: { Binds: ['/a:/b'] } });
    expect(joined.readLeniently).toBe(true);
    const [finding] = await placeFindings('m.json', text, worded(joined.problems), parsed.source, [joined]);
    expect(finding).toMatchObject({ ruleId: 'create-options-json', severity: 'warning', line: 1, column: text.indexOf('HostConfig') + 1 });
    expect(finding!.message).toContain('not portable JSON: the key `HostConfig` is not in double quotes (and 1 more place where it is not JSON)');
  });

  it('map an error after escaped quotes to the raw column', async () => {
    const text = '{"settings": {"createOptions": "{\\"Env\\": [\\"A=1\\" \\"B=2\\"]}"}}';
    const parsed = await parseSource({ file: 'm.json', text });
    if (!parsed.ok) throw new Error('fixture must parse');
    const joined = joinCreateOptions((parsed.source.value as { settings: Record<string, unknown> }).settings, '/settings')!;
    await explainInvalidJson(joined);
    const [finding] = await placeFindings('m.json', text, worded(joined.problems), parsed.source, [joined]);
    expect(finding).toMatchObject({ line: 1, column: text.indexOf('\\"B=2') + 1 });
    expect(finding!.message).toContain('a comma was expected');
  });
});
