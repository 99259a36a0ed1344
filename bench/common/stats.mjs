// Medians with min–max, and the number formats the tables use.

export function summary(values) {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

export function integer(n) {
  return Math.round(n).toLocaleString('en-US');
}

export function decimal(n, digits = 1) {
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** "12,345 (11,002–13,900)", or the reason a row has no number. */
export function cell(values, format = integer) {
  const s = summary(values);
  if (!s) return 'n/a';
  return s.n === 1 ? format(s.median) : `${format(s.median)} (${format(s.min)}–${format(s.max)})`;
}
