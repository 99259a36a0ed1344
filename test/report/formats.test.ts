// Formatter details that the CLI tests do not reach: escaping, info findings in JUnit, and
// suggestions (fixes that choose, never applied) in every format.
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { renderOutput } from '../../src/report/formatters.js';
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
const suggesting: Finding = {
  file: 'config/a,b:c.json',
  ruleId: 'upstream-protocol',
  severity: 'warning',
  message: 'edgeHub uses UpstreamProtocol=MqttWs but edgeAgent uses Amqp; use the same protocol on both, as the network usually allows only one',
  pointer: '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeAgent/env/UpstreamProtocol/value',
  line: 9,
  column: 26,
  suggestions: [
    { description: 'use MqttWs on edgeAgent too', fix: { edits: [{ op: 'set', pointer: '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeAgent/env/UpstreamProtocol/value', value: 'MqttWs' }] } },
    { description: 'use Amqp on edgeHub too', fix: { edits: [{ op: 'set', pointer: '/modulesContent/$edgeAgent/properties.desired/systemModules/edgeHub/env/UpstreamProtocol/value', value: 'Amqp' }] } },
  ],
};

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
    const text = await renderOutput('lint', 'github', context([awkward, info]), { color: false });
    expect(text.split('\n')[0]).toBe('::error file=config/a%2Cb%3Ac.json,line=3,col=7,title=route-syntax::route "x" <does> not parse: 100%25 wrong%0Asecond line & more');
    expect(text.split('\n')[1]).toMatch(/^::notice file=config\/ok\.json,line=3,col=7,title=storage-permissions::chown it$/);
  });

  it('junit: well-formed XML escaping, one failing case per finding and a passing case per clean file', async () => {
    const xml = await renderOutput('lint', 'junit', context([awkward]), { color: false });
    expect(xml).toContain('message="route &quot;x&quot; &lt;does&gt; not parse: 100% wrong\nsecond line &amp; more"');
    expect(xml).toContain('<testsuite name="config/clean.json" tests="1" failures="0" errors="0">');
    expect(xml).toContain('<testsuite name="config/a,b:c.json" tests="1" failures="1" errors="0">');
    expect((xml.match(/<testcase /g) ?? []).length).toBe(3);
  });

  it('sarif: levels map error/warning/info to error/warning/note, with fingerprints and rule indexes', async () => {
    const sarif = JSON.parse(await renderOutput('lint', 'sarif', context([awkward, info]), { color: false }));
    const [first, second] = sarif.runs[0].results;
    expect([first.level, second.level]).toEqual(['error', 'note']);
    expect(first.partialFingerprints).toEqual({ 'edgewise/v1': 'fp-3' });
    expect(sarif.runs[0].tool.driver.rules[first.ruleIndex].id).toBe('route-syntax');
    expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe('config/a%2Cb%3Ac.json');
  });

  it('junit: an info finding is a passing case with its message in system-out; warnings and errors fail', async () => {
    const xml = await renderOutput('lint', 'junit', context([awkward, { ...awkward, severity: 'warning', line: 4 }, info]), { color: false });
    expect(xml).toContain('<testsuites name="edgewise" tests="4" failures="2" errors="0">');
    expect(xml).toContain('<testsuite name="config/ok.json" tests="1" failures="0" errors="0">');
    expect(xml).toContain('<system-out>config/ok.json:3:7 info chown it (storage-permissions) at /modulesContent/$edgeHub/properties.desired/routes/x</system-out>');
    expect(xml).toContain('<failure type="warning"');
    expect(xml.match(/<testcase [^>]*storage-permissions[^>]*>\n\s*<([\w-]+)/)?.[1]).toBe('system-out');
  });

  it('json carries the whole message and the suggestions with their edits', async () => {
    const json = JSON.parse(await renderOutput('lint', 'json', context([suggesting]), { color: false }));
    expect(json.results[0].message).toBe(suggesting.message);
    expect(json.results[0].suggestions).toEqual(suggesting.suggestions);
  });

  it('sarif puts suggestions in the result property bag, not in fixes', async () => {
    const sarif = JSON.parse(await renderOutput('lint', 'sarif', context([suggesting, awkward]), { color: false }));
    const [withSuggestions, without] = sarif.runs[0].results;
    expect(withSuggestions.message.text).toBe(suggesting.message);
    expect(withSuggestions.properties.suggestions.map((s: { description: string }) => s.description)).toEqual(['use MqttWs on edgeAgent too', 'use Amqp on edgeHub too']);
    expect(withSuggestions.fixes).toBeUndefined();
    expect(without.properties).toBeUndefined();
  });

  it('github and stylish show each suggestion on a line of its own', async () => {
    expect(await renderOutput('lint', 'github', context([suggesting]), { color: false })).toContain('only one%0Asuggestion: use MqttWs on edgeAgent too%0Asuggestion: use Amqp on edgeHub too\n');
    const stylish = await renderOutput('lint', 'stylish', context([suggesting]), { color: false });
    expect(stylish).toMatch(/\n {19}suggestion: use MqttWs on edgeAgent too\n {19}suggestion: use Amqp on edgeHub too\n/);
  });
});
