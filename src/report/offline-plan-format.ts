// Renders an offline plan: a short table with the answer and why, or JSON (the plan as is).
import type { OfflinePlan, RoutePlan, TtlSource } from '../offline/offline-plan.js';
import type { OfflinePlanReport } from '../offline/plan-offline-file.js';
import { formatBytes, formatDuration } from '../offline/plan-units.js';
import type { Formatter } from './formatter.js';

const TTL_SOURCE: Record<TtlSource, string> = {
  route: 'route',
  global: 'global',
  default: 'default',
};

const TTL_EXPLAINED: Record<TtlSource, string> = {
  route: "the route's own timeToLiveSecs",
  global: 'the global storeAndForwardConfiguration.timeToLiveSecs',
  default: 'the documented default; the manifest sets none',
};

function ttlText(route: RoutePlan): string {
  return route.ttlSecs === null ? `never (${TTL_SOURCE[route.ttlSource]})` : `${formatDuration(route.ttlSecs)} (${TTL_SOURCE[route.ttlSource]})`;
}

function because(route: RoutePlan): string {
  return route.reason === 'ttl' ? 'TTL expiry' : route.reason === 'disk' ? 'store full' : 'nothing found';
}

export const planTableFormatter: Formatter<OfflinePlanReport> = { name: 'table', render: (report) => planTable(report) };

export const planJsonFormatter: Formatter<OfflinePlanReport> = { name: 'json', render: (report) => `${JSON.stringify(report, null, 2)}\n` };

function planTable(plan: OfflinePlanReport): string {
  const lines: string[] = [`offline plan for ${plan.file}`];
  const body = plan.storedBytesPerMessage - plan.storeOverheadBytes;
  lines.push(`  ${plan.rateMsgsPerSec} msg/s of ${formatBytes(plan.messageBytes)}; each takes about ${plan.storedBytesPerMessage} B in the store (${body} B body as base64 + ${plan.storeOverheadBytes} B estimated overhead)`);
  const perDay = `${formatBytes(plan.storeGrowthBytesPerSec)}/s, ${formatBytes(plan.storeGrowthBytesPerSec * 86400)} a day`;
  if (plan.capacityBytes !== null && plan.fullAfterSecs !== null) {
    const what = plan.capacitySource === 'storeLimits' ? 'storeLimits.maxSizeBytes of' : 'disk of';
    lines.push(`  the store grows by ${perDay}; the ${what} ${formatBytes(plan.capacityBytes)} is full after ${formatDuration(plan.fullAfterSecs)}`);
  } else {
    lines.push(`  the store grows by ${perDay}`);
  }
  if (plan.routes.length > 0) {
    const rows = [['route', 'TTL', 'lost after', 'because'], ...plan.routes.map((route) => [route.name, ttlText(route), route.lostAfterSecs === null ? 'never' : formatDuration(route.lostAfterSecs), because(route)])];
    const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
    lines.push('');
    for (const row of rows) lines.push(`  ${row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join('  ')}`);
  }
  lines.push('');
  lines.push(answer(plan));
  if (plan.peakStoreBytes !== null && plan.reason !== 'disk') lines.push(`The store peaks at about ${formatBytes(plan.peakStoreBytes)} (the longest TTL plus the ${plan.cleanupIntervalSecs} s cleanup interval, after which expired messages are deleted).`);
  for (const note of plan.notes) lines.push(`note: ${note}`);
  return `${lines.join('\n')}\n`;
}

function answer(plan: OfflinePlan): string {
  if (plan.routes.length === 0) return 'Nothing is lost while offline: no route sends messages to $upstream.';
  if (plan.offlineBudgetSecs === null) return 'No limit found: the messages never expire and the store size is unknown; pass --disk BYTES.';
  const budget = formatDuration(plan.offlineBudgetSecs);
  if (plan.reason === 'disk') {
    const what = plan.capacitySource === 'storeLimits' ? 'the in-memory store reaches storeLimits.maxSizeBytes' : 'the disk is full';
    return `The device can stay offline for ${budget} before messages are lost: then ${what}, before any message expires.`;
  }
  const route = plan.routes.find((entry) => entry.name === plan.limitingRoute)!;
  return `The device can stay offline for ${budget} before messages are lost: route "${route.name}" drops messages older than its TTL of ${route.ttlSecs} s (${TTL_EXPLAINED[route.ttlSource]}).`;
}
