// A suppression covers exactly what it names: findings of its rule, in the files its glob
// matches (relative to the config file's folder), at its pointer and below it. Never a sibling
// that only shares a prefix (/modules/sensor vs /modules/sensor2), never a parent, never another
// rule at the same place. prefix-sibling-modules.json is templates/minimal.json with two user
// modules, sensor and sensor2, whose untagged images give image-tag and registry-credentials
// findings at the same pointers.
import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Suppression } from '../../src/config/edgewise-config.js';
import type { Finding } from '../../src/findings.js';
import { lintInputs } from '../../src/lint/lint-inputs.js';
import { SuppressionTracker } from '../../src/lint/suppressions.js';

const PROJECT = resolve('/project');
const CONFIG = join(PROJECT, '.edgewise.yaml');
const MODULES = '/modulesContent/$edgeAgent/properties.desired/modules';
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'lint', 'prefix-sibling-modules.json');

function suppression(entry: Partial<Suppression>): Suppression {
  return { file: '*.json', pointer: `${MODULES}/sensor`, rule: 'image-tag', reason: 'accepted', source: { file: CONFIG, line: 1, column: 1 }, ...entry };
}

function finding(entry: Partial<Finding>): Finding {
  return { file: join(PROJECT, 'deployment.json'), ruleId: 'image-tag', severity: 'warning', message: 'm', pointer: `${MODULES}/sensor/settings/image`, line: 1, column: 1, ...entry };
}

/** Whether `entry` suppresses `target`: the finding is filtered out. */
function covers(entry: Suppression, target: Finding): boolean {
  return new SuppressionTracker([entry]).filter([target]).length === 0;
}

describe('a suppression at a pointer', () => {
  const at = suppression({ pointer: `${MODULES}/sensor` });

  it('covers a finding at the pointer itself', () => {
    expect(covers(at, finding({ pointer: `${MODULES}/sensor` }))).toBe(true);
  });

  it('covers findings below the pointer', () => {
    expect(covers(at, finding({ pointer: `${MODULES}/sensor/settings` }))).toBe(true);
    expect(covers(at, finding({ pointer: `${MODULES}/sensor/settings/image` }))).toBe(true);
  });

  it('does not cover a sibling whose name only starts the same', () => {
    expect(covers(at, finding({ pointer: `${MODULES}/sensor2` }))).toBe(false);
    expect(covers(at, finding({ pointer: `${MODULES}/sensor2/settings/image` }))).toBe(false);
    expect(covers(at, finding({ pointer: `${MODULES}/sensor-old/settings/image` }))).toBe(false);
  });

  it('does not cover its parent or the whole file', () => {
    expect(covers(at, finding({ pointer: MODULES }))).toBe(false);
    expect(covers(at, finding({ pointer: '' }))).toBe(false);
  });

  it('at the root pointer covers the whole file', () => {
    const root = suppression({ pointer: '' });
    expect(covers(root, finding({ pointer: '' }))).toBe(true);
    expect(covers(root, finding({ pointer: `${MODULES}/sensor2/settings/image` }))).toBe(true);
  });
});

describe('a suppression names its rule and its files', () => {
  it('covers only the rule it names, not another rule at the same place, nor one whose id it starts', () => {
    expect(covers(suppression({ rule: 'image-tag' }), finding({ ruleId: 'registry-credentials' }))).toBe(false);
    expect(covers(suppression({ rule: 'schema', pointer: '' }), finding({ ruleId: 'schema-version', pointer: '/x' }))).toBe(false);
    expect(covers(suppression({ rule: 'schema', pointer: '' }), finding({ ruleId: 'schema', pointer: '/x' }))).toBe(true);
  });

  it('matches file globs relative to the config file\'s folder, and only the files they name', () => {
    const named = suppression({ file: 'deployment.json' });
    expect(covers(named, finding({ file: join(PROJECT, 'deployment.json') }))).toBe(true);
    expect(covers(named, finding({ file: join(PROJECT, 'deployment.json.bak') }))).toBe(false);
    expect(covers(named, finding({ file: join(PROJECT, 'my-deployment.json') }))).toBe(false);
    expect(covers(named, finding({ file: join(PROJECT, 'sub', 'deployment.json') }))).toBe(false);

    const inSub = suppression({ file: 'sub/*.json' });
    expect(covers(inSub, finding({ file: join(PROJECT, 'sub', 'a.json') }))).toBe(true);
    expect(covers(inSub, finding({ file: join(PROJECT, 'sub', 'deep', 'a.json') }))).toBe(false);
    expect(covers(inSub, finding({ file: join(PROJECT, 'a.json') }))).toBe(false);

    // A config in a subfolder does not reach files beside its folder.
    const nested = suppression({ file: 'deployment.json', source: { file: join(PROJECT, 'config', '.edgewise.yaml'), line: 1, column: 1 } });
    expect(covers(nested, finding({ file: join(PROJECT, 'deployment.json') }))).toBe(false);
  });

  it('stays unused when it only came near a finding', () => {
    const entry = suppression({ pointer: `${MODULES}/sensor` });
    const tracker = new SuppressionTracker([entry]);
    expect(tracker.filter([finding({ pointer: `${MODULES}/sensor2/settings/image` }), finding({ ruleId: 'registry-credentials' })])).toHaveLength(2);
    expect(tracker.unused()).toEqual([entry]);
  });
});

describe('suppressions in a lint run', () => {
  it('hide exactly the named rule below the named module, and report the one that hid nothing', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-suppression-'));
    const file = join(folder, 'deployment.json');
    copyFileSync(FIXTURE, file);
    const config = [
      'suppressions:',
      '  - file: deployment.json',
      `    pointer: ${MODULES}/sensor`,
      '    rule: image-tag',
      '    reason: pinned by the build',
      '  - file: deployment.json',
      `    pointer: ${MODULES}/sensor/settings/image/tag`,
      '    rule: image-tag',
      '    reason: below the finding, so it covers nothing',
      '',
    ].join('\n');
    writeFileSync(join(folder, '.edgewise.yaml'), config);
    const result = await lintInputs([{ file, explicit: true }], {});
    expect(result.findings.map((entry) => `${entry.ruleId} ${entry.pointer.slice(MODULES.length)}`).sort()).toEqual([
      'image-tag /sensor2/settings/image',
      'registry-credentials /sensor/settings/image',
      'registry-credentials /sensor2/settings/image',
    ]);
    expect(result.usedSuppressions).toEqual([`${join(folder, '.edgewise.yaml')}#0`]);
  });
});
