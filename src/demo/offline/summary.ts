// The one-screen summary at the end of `edgewise demo offline`: what was sent, stored, delivered
// and reconciled, how many checks held, each one that did not or was skipped (with why, once per
// reason), what of the offline scenario the demo does not try and which of edgewise's tests
// prove it instead, and the verdict, which claims no more than the checks made.
import type { DemoCheck, DemoReport } from './demo-types.js';
import { count, counted } from './narration.js';

export function summaryLines(report: DemoReport): string[] {
  const { figures, checks } = report;
  const tally = (state: DemoCheck['state']): number => checks.filter((check) => check.state === state).length;
  const failed = checks.filter((check) => check.state === 'failed');
  const skipped = checks.filter((check) => check.state === 'skipped');
  const checksLine = `  checks      ${tally('held')} held, ${tally('skipped')} skipped, ${tally('failed')} failed`;
  if (report.interrupted) return ['', 'summary', checksLine, 'stopped before the end: everything the demo started is stopped'];
  const lines = [
    '',
    'summary',
    `  sent        ${counted(figures.alertsInCloud, 'alert')} from the filter and ${counted(figures.readingsInCloud, 'reading')} from the child device reached the cloud`,
    `  offline     the upstream was cut ${figures.outageSeconds} s; ${counted(figures.heldAtRestore, 'message was', 'messages were')} stored for the cloud when it came back`,
    skipped.some((check) => check.title.startsWith('direct method'))
      ? '  methods     skipped (see below)'
      : `  methods     the child device answered ${counted(figures.methodCalls.connected, 'alert call')} from the filter while connected and ${count(figures.methodCalls.offline)} while offline`,
    `  delivered   ${counted(figures.deliveredAfterRestore, 'message')} reached the cloud after the restore`,
    `  reconciled  ${figures.reconciled.length > 0 ? figures.reconciled.join('; ') : 'nothing'}`,
    `  hub         stored ${count(figures.counters.stored)} · delivered ${count(figures.counters.delivered)} · expired ${count(figures.counters.expired)}`,
    checksLine,
    ...skippedLines(skipped),
    ...failed.map((check) => `  FAILED      ${check.step}: ${check.title}: ${check.detail ?? ''}`),
    ...notTriedLines(),
  ];
  if (report.keptFolder) lines.push(`  kept        ${report.keptFolder} (the modules' output: edgewise logs filter --data ${report.keptFolder}/hub)`);
  lines.push(verdict(checks));
  return lines;
}

/** What of IoT Edge's offline scenario the demo does not try, and the test file under test/e2e/offline/ (in edgewise's repository) that proves it. */
export const NOT_TRIED: readonly { what: string; test: string }[] = [
  { what: 'a child refused before the hub first synced', test: 'sync.test.ts' },
  { what: 'a hub restart while cut', test: 'offline.test.ts' },
  { what: 'direct methods module → module, 404 and 504', test: 'offline.test.ts' },
  { what: 'a child disabled while cut, disconnected at the resync', test: 'resync-order.test.ts' },
];

function notTriedLines(): string[] {
  return ["  not tried   here, but proven by edgewise's tests in test/e2e/offline/:", ...NOT_TRIED.map(({ what, test }) => `              ${what} (${test})`)];
}

/** "every check held: 18 of 18": only what was checked; a skipped check is not counted as held. */
function verdict(checks: readonly DemoCheck[]): string {
  const made = checks.filter((check) => check.state !== 'skipped');
  const failed = made.filter((check) => check.state === 'failed').length;
  const skipped = checks.length - made.length;
  const skippedText = skipped > 0 ? `, ${count(skipped)} skipped` : '';
  return failed > 0 ? `${count(failed)} of ${count(made.length)} checks did not hold${skippedText} (exit 1)` : `every check held: ${count(made.length)} of ${count(made.length)}${skippedText} (exit 0)`;
}

/** Each skipped check by its title, then each distinct reason (with how to enable it) once. */
function skippedLines(skipped: readonly DemoCheck[]): string[] {
  const reasons = [...new Set(skipped.map((check) => check.detail ?? ''))].filter((reason) => reason !== '');
  return [...skipped.map((check) => `  skipped     ${check.step}: ${check.title}`), ...reasons.map((reason) => `    because   ${reason}`)];
}
