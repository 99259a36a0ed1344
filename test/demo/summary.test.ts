// The one-screen summary of `edgewise demo offline` and the exit code the CLI makes of the
// report: 0 only when every check held (a skipped one, with how to enable it, does not fail the
// run), 1 naming each one that did not, 130 when stopped. The verdict claims only what was
// checked, and the summary names what the demo does not try and where it is proven instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoResult } from '../../src/cli/commands/demo-offline.js';
import type { DemoCheck, DemoReport } from '../../src/demo/offline/demo-types.js';
import { NOT_TRIED, summaryLines } from '../../src/demo/offline/summary.js';
import { ROOT } from './demo-support.js';

const SCREEN_LINES = 24;
const BLOCKED = '127.0.0.1:443 is in use by another program, and ModuleClient.invokeMethod calls the hub on 443 only; to enable it: stop what listens on 127.0.0.1:443';

function report(checks: DemoCheck[], overrides: Partial<DemoReport> = {}): DemoReport {
  return {
    checks,
    figures: {
      alertsInCloud: 34,
      readingsInCloud: 1,
      outageSeconds: 10,
      heldAtRestore: 23,
      deliveredAfterRestore: 25,
      methodCalls: { connected: 4, offline: 2 },
      counters: { stored: 1204, delivered: 1204, expired: 0 },
      reconciled: ['23 stored messages delivered', "thermostat's reported run 2"],
    },
    interrupted: false,
    recentLog: ['2026-01-01T00:00:00.000Z hub: upstream: connected'],
    ...overrides,
  };
}

const held = (title: string): DemoCheck => ({ step: 'sync', title, state: 'held', detail: 'seen' });
const skipped = (step: DemoCheck['step'], title: string): DemoCheck => ({ step, title, state: 'skipped', detail: BLOCKED });

describe('the summary', () => {
  it('says what was sent, stored, delivered and reconciled, and that every check held, counting them', () => {
    const lines = summaryLines(report([held('a'), held('b')]));
    expect(lines).toContain('  sent        34 alerts from the filter and 1 reading from the child device reached the cloud');
    expect(lines).toContain('  offline     the upstream was cut 10 s; 23 messages were stored for the cloud when it came back');
    expect(lines).toContain('  methods     the child device answered 4 alert calls from the filter while connected and 2 while offline');
    expect(lines).toContain('  delivered   25 messages reached the cloud after the restore');
    expect(lines).toContain("  reconciled  23 stored messages delivered; thermostat's reported run 2");
    expect(lines).toContain('  hub         stored 1,204 · delivered 1,204 · expired 0');
    expect(lines).toContain('  checks      2 held, 0 skipped, 0 failed');
    expect(lines.at(-1)).toBe('every check held: 2 of 2 (exit 0)');
  });

  it('names what the demo does not try, and the test that proves it instead', () => {
    const lines = summaryLines(report([held('a')]));
    const start = lines.indexOf("  not tried   here, but proven by edgewise's tests in test/e2e/offline/:");
    expect(lines.slice(start + 1, start + 1 + NOT_TRIED.length)).toEqual(NOT_TRIED.map(({ what, test }) => `              ${what} (${test})`));
    for (const { test } of NOT_TRIED) expect(existsSync(join(ROOT, 'test', 'e2e', 'offline', test)), test).toBe(true);
    expect(NOT_TRIED.map(({ what }) => what)).toEqual([
      'a child refused before the hub first synced',
      'a hub restart while cut',
      'direct methods module → module, 404 and 504',
      'a child disabled while cut, disconnected at the resync',
    ]);
  });

  it('names each skipped check and says why, and how to enable it, once; it still fits one screen', () => {
    const lines = summaryLines(report([...Array.from({ length: 18 }, (_, n) => held(`check ${n}`)), skipped('sync', 'direct method, while connected'), skipped('offline', 'direct method, while offline')]));
    expect(lines).toContain('  methods     skipped (see below)');
    expect(lines.filter((line) => line.startsWith('  skipped'))).toEqual(['  skipped     sync: direct method, while connected', '  skipped     offline: direct method, while offline']);
    expect(lines.filter((line) => line.includes(BLOCKED))).toEqual([`    because   ${BLOCKED}`]);
    expect(lines.length).toBeLessThanOrEqual(SCREEN_LINES);
    // Skipped checks are not counted as held.
    expect(lines.at(-1)).toBe('every check held: 18 of 18, 2 skipped (exit 0)');
  });

  it('lists each failed check with what was missing', () => {
    const lines = summaryLines(report([held('a'), { step: 'resync', title: 'the desired change reaches the module', state: 'failed', detail: 'filter still reports threshold 25' }]));
    expect(lines).toContain('  FAILED      resync: the desired change reaches the module: filter still reports threshold 25');
    expect(lines.at(-1)).toBe('1 of 2 checks did not hold (exit 1)');
  });

  it('is short when the demo was stopped', () => {
    expect(summaryLines(report([held('a')], { interrupted: true }))).toEqual(['', 'summary', '  checks      1 held, 0 skipped, 0 failed', 'stopped before the end: everything the demo started is stopped']);
  });
});

describe('the exit code', () => {
  it('is 0 when every check held or was skipped', () => {
    expect(demoResult(report([held('a'), skipped('offline', 'direct method')]))).toEqual({ exitCode: 0, stdout: '', stderr: '', files: [] });
  });

  it('is 1 when one did not hold, naming it, with the recent log on stderr', () => {
    const result = demoResult(report([held('a'), { step: 'offline', title: 'telemetry is stored while the cloud is away', state: 'failed', detail: 'x' }]));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toBe('edgewise demo offline: did not hold: offline: telemetry is stored while the cloud is away\nthe last lines the hub, the agent and the child device logged:\n2026-01-01T00:00:00.000Z hub: upstream: connected\n');
  });

  it('is 130 when stopped (Ctrl-C)', () => {
    expect(demoResult(report([], { interrupted: true })).exitCode).toBe(130);
  });
});
