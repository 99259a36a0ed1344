// The one-screen summary at the end of `edgewise demo offline`: what was sent, stored, delivered
// and reconciled, how many checks held, each one that did not or was skipped (with why, once per
// reason), and the verdict.
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
  ];
  if (report.keptFolder) lines.push(`  kept        ${report.keptFolder} (the modules' output: edgewise logs filter --data ${report.keptFolder}/hub)`);
  lines.push(failed.length > 0 ? `${failed.length} of the offline documentation's promises did not hold (exit 1)` : 'every promise of the offline documentation held here (exit 0)');
  return lines;
}

/** Each skipped check by its title, then each distinct reason (with how to enable it) once. */
function skippedLines(skipped: readonly DemoCheck[]): string[] {
  const reasons = [...new Set(skipped.map((check) => check.detail ?? ''))].filter((reason) => reason !== '');
  return [...skipped.map((check) => `  skipped     ${check.step}: ${check.title}`), ...reasons.map((reason) => `    because   ${reason}`)];
}
