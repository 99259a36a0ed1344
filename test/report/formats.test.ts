// Formatter details that the CLI tests do not reach: escaping, and every finding in every format.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { renderReport } from '../../src/report/render-report.js';
import type { ReportContext } from '../../src/report/report-context.js';
import { RULES } from '../../src/rules/index.js';

const awkward: Finding = {
  file: 'config/a,b:c.json',
  ruleId: 'route-syntax',
  severity: 'error',
  message: 'route "x" <does> not parse: 100% wrong\nsecond line & more',
  pointer: '/modulesContent/$edgeHub/properties.desired/routes/x',
  line: 3,
  column: 7,
};
const info: Finding = { ...awkward, file: 'config/ok.json', severity: 'info', ruleId: 'storage-permissions', message: 'chown it' };

function context(findings: Finding[]): ReportContext {
  return {
    findings,
    files: 3,
    checkedFiles: ['config/a,b:c.json', 'config/ok.json', 'config/clean.json'],
    rules: RULES.map((rule) => rule.meta),
    fingerprint: (finding) => `fp-${finding.line}`,
    baseFolder: process.cwd(),
    toolVersion: '0.1.0',
  };
}

describe('report formats', () => {
  it('github: escapes %, CR and LF in messages, and also : and , in properties', async () => {
    const text = await renderReport('github', context([awkward, info]), false);
    expect(text.split('\n')[0]).toBe('::error file=config/a%2Cb%3Ac.json,line=3,col=7,title=route-syntax::route "x" <does> not parse: 100%25 wrong%0Asecond line & more');
    expect(text.split('\n')[1]).toMatch(/^::notice file=config\/ok\.json,line=3,col=7,title=storage-permissions::chown it$/);
  });

  it('junit: well-formed XML escaping, one failing case per finding and a passing case per clean file', async () => {
    const xml = await renderReport('junit', context([awkward]), false);
    expect(xml).toContain('message="route &quot;x&quot; &lt;does&gt; not parse: 100% wrong\nsecond line &amp; more"');
    expect(xml).toContain('<testsuite name="config/clean.json" tests="1" failures="0" errors="0">');
    expect(xml).toContain('<testsuite name="config/a,b:c.json" tests="1" failures="1" errors="0">');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(3);
  });

  it('sarif: levels map error/warning/info to error/warning/note, with fingerprints and rule indexes', async () => {
    const sarif = JSON.parse(await renderReport('sarif', context([awkward, info]), false));
    const [first, second] = sarif.runs[0].results;
    expect([first.level, second.level]).toEqual(['error', 'note']);
    expect(first.partialFingerprints).toEqual({ 'edgewise/v1': 'fp-3' });
    expect(sarif.runs[0].tool.driver.rules[first.ruleIndex].id).toBe('route-syntax');
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe('config/a%2Cb%3Ac.json');
  });
});
