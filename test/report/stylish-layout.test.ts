// The stylish layout on a 100-column terminal: what is wrong on the finding's line with the rule
// id at its end, the why or what to do on an indented line below. Checked on the real messages
// of the corpus report (test/corpus/lint-findings.md, from public manifests on GitHub).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings.js';
import { splitMessage } from '../../src/report/message-parts.js';
import { formatStylish } from '../../src/report/stylish-format.js';

const ROOT = join(import.meta.dirname, '..', '..');

/** Every finding of the corpus report, as findings again ("- 82:32 warning `privileged` message"). */
function corpusFindings(): Finding[] {
  const findings: Finding[] = [];
  let file = '';
  for (const line of readFileSync(join(ROOT, 'test', 'corpus', 'lint-findings.md'), 'utf8').split('\n')) {
    const heading = /^## (\S+)/.exec(line);
    if (heading) file = `config/${heading[1]!.slice(-30)}`;
    const entry = /^- (\d+):(\d+) (error|warning|info) `([^`]+)` (.+)$/.exec(line);
    if (entry) findings.push({ file, line: Number(entry[1]), column: Number(entry[2]), severity: entry[3] as Finding['severity'], ruleId: entry[4]!, message: entry[5]!, pointer: '' });
  }
  return findings;
}

describe('splitMessage', () => {
  it('splits at the first "; ": what is wrong, then what to do', () => {
    expect(splitMessage('image "x:latest" uses :latest; pin a version (or a digest) so every device runs the same code')).toEqual({
      main: 'image "x:latest" uses :latest',
      hint: 'pin a version (or a digest) so every device runs the same code',
    });
  });

  it('else at the end of the first sentence, but not after "e.g."', () => {
    expect(splitMessage('NetworkMode "Host" is not "host": Docker matches names exactly. Write "host"')).toEqual({ main: 'NetworkMode "Host" is not "host": Docker matches names exactly', hint: 'Write "host"' });
    expect(splitMessage('mount it, e.g. HostConfig.Binds. Then restart')).toEqual({ main: 'mount it, e.g. HostConfig.Binds', hint: 'Then restart' });
  });

  it('never splits inside a quoted value or an aside in parentheses', () => {
    expect(splitMessage('route "FROM /a; INTO $upstream" does not parse')).toEqual({ main: 'route "FROM /a; INTO $upstream" does not parse' });
    expect(splitMessage('key `a; b` is unknown; remove it')).toEqual({ main: 'key `a; b` is unknown', hint: 'remove it' });
    expect(splitMessage('value "a\\"; b" is wrong; fix it')).toEqual({ main: 'value "a\\"; b" is wrong', hint: 'fix it' });
    expect(splitMessage('edgeHub runs as UID 13623 (image 1.5; EDGEHUBUSER_ID can change it), so the folder must be writable; prepare it')).toEqual({
      main: 'edgeHub runs as UID 13623 (image 1.5; EDGEHUBUSER_ID can change it), so the folder must be writable',
      hint: 'prepare it',
    });
  });

  it('keeps a message with nothing to split whole', () => {
    expect(splitMessage('`image` must not be empty')).toEqual({ main: '`image` must not be empty' });
  });
});

describe('stylish layout', () => {
  const privileged: Finding = {
    file: 'config/deployment.json',
    ruleId: 'privileged',
    severity: 'warning',
    message: 'sensehat-display runs with HostConfig.Privileged, which gives it every capability and every host device, so a flaw in it takes over the device; grant only what it needs, e.g. HostConfig.Devices for a device such as /dev/ttyUSB0 and CapAdd for one capability',
    pointer: '/modulesContent/$edgeAgent/properties.desired/modules/sensehat-display/settings/createOptions/HostConfig/Privileged',
    line: 82,
    column: 32,
  };

  it('puts the rule id at the end of the first line and the hint on indented lines below', () => {
    const lines = formatStylish([privileged], 1, { color: false }).split('\n');
    expect(lines.slice(1, 6)).toEqual([
      'config/deployment.json',
      '  82:32  warning  sensehat-display runs with HostConfig.Privileged, which gives it every  privileged',
      '                  capability and every host device, so a flaw in it takes over the device',
      '                    grant only what it needs, e.g. HostConfig.Devices for a device such as',
      '                    /dev/ttyUSB0 and CapAdd for one capability',
    ]);
  });

  it('shows suggestions on their own indented lines', () => {
    const text = formatStylish([{ ...privileged, suggestions: [{ description: 'set UpstreamProtocol to MqttWs on edgeAgent', fix: { edits: [] } }] }], 1, { color: false });
    expect(text).toContain('\n                    suggestion: set UpstreamProtocol to MqttWs on edgeAgent\n');
  });

  it('fits every finding of the corpus in 100 columns, and loses no word of any message', () => {
    const findings = corpusFindings();
    expect(findings.length).toBeGreaterThan(100);
    const words = (text: string) => text.split(/\s+/).filter(Boolean).join(' ');
    const problems: string[] = [];
    for (const finding of findings) {
      const lines = formatStylish([finding], 1, { color: false }).split('\n').slice(2).filter((line) => line.startsWith('  '));
      // A word longer than a line's room (a 90-character image name) cannot be wrapped; its line may overflow.
      const unbreakable = (line: string) => line.trim().split(/\s+/).some((word) => word.length > 60);
      if (lines.some((line) => line.length > 100 && !unbreakable(line))) problems.push(`too wide: ${finding.message}`);
      if (!lines[0]!.endsWith(`  ${finding.ruleId}`)) problems.push(`rule id not at the end: ${lines[0]}`);
      const { main, hint } = splitMessage(finding.message);
      const printed = words([lines[0]!.slice(0, -finding.ruleId.length), ...lines.slice(1)].join(' '));
      if (printed !== words(`${finding.line}:${finding.column} ${finding.severity} ${main} ${hint ?? ''}`)) problems.push(`changed: ${finding.message}`);
    }
    expect(problems).toEqual([]);
  });

  it('keeps colours, and none when asked not to', () => {
    expect(formatStylish([privileged], 1, { color: true })).toContain('\u001b[33mwarning\u001b[0m');
    expect(formatStylish([privileged], 1, { color: false })).not.toMatch(/\u001b\[/);
  });
});
