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

/**
 * Percentiles by nearest rank (the smallest value with at least p% of the values at or below it),
 * from one sort: { p50, p99, max, n }, or undefined for no values.
 */
export function percentiles(values, ranks = [50, 99]) {
  const sorted = Float64Array.from(values.filter((v) => Number.isFinite(v))).sort();
  if (sorted.length === 0) return undefined;
  const out = { n: sorted.length, max: sorted[sorted.length - 1] };
  for (const p of ranks) out[`p${p}`] = sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
  return out;
}

/** Sample r of `values` divided by sample r of `reference` (runs paired in order), where both exist. */
export function pairedRatios(values, reference) {
  const out = [];
  for (let i = 0; i < Math.min(values.length, reference.length); i++) {
    if (Number.isFinite(values[i]) && Number.isFinite(reference[i]) && reference[i] !== 0) out.push(values[i] / reference[i]);
  }
  return out;
}

/** The smallest and largest value (NaN for none), without spreading a long array into arguments. */
export function extent(values) {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return min <= max ? { min, max } : { min: NaN, max: NaN };
}
