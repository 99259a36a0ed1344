// Issue 15's targets, checked against one run's figures. A target without the figures it needs
// (no baseline for memory, a failed row) says why instead of passing or failing.

const LIMITS = {
  lintToAjv: 1.0,
  lintToFloor: 3.0,
  validateToFloor: 1.3,
  spread: 1.5,
  coldToNode: 1.3,
  preCommitToAjv: 1.0,
};

function ratioTarget(target, set, figure, limit) {
  const median = figure?.median;
  return { target, set, value: Number.isFinite(median) ? median : null, range: figure ?? null, limit, met: Number.isFinite(median) ? median <= limit : null };
}

/** Rows of { target, set, value, range?, limit, met: true | false | null, note? }. */
export function checkTargets({ many, linearity, cold, preCommit, largest, hasBaseline }) {
  const rows = [];
  for (const [set, bySize] of Object.entries(many)) {
    const rowsAtLargest = bySize[largest] ?? {};
    rows.push(ratioTarget(`lint of ${largest.toLocaleString('en-US')} files ≤ ajv-cli's time`, set, rowsAtLargest.lint?.ratioToAjvCli, LIMITS.lintToAjv));
    rows.push(ratioTarget('lint ≤ 3× the read + JSON.parse floor', set, rowsAtLargest.lint?.ratioToFloor, LIMITS.lintToFloor));
    rows.push(ratioTarget('validate ≤ 1.3× the floor', set, rowsAtLargest.validate?.ratioToFloor, LIMITS.validateToFloor));
    for (const tool of ['lint', 'validate']) {
      const spread = linearity[set]?.[tool]?.spread;
      rows.push({ target: `${tool}: time per file at every size within 1.5× of each other`, set, value: spread ?? null, limit: LIMITS.spread, met: spread == null ? null : spread <= LIMITS.spread });
    }
    for (const tool of ['lint', 'validate']) {
      const ours = rowsAtLargest[tool]?.peakRssMB;
      const before = rowsAtLargest[`${tool}-baseline`]?.peakRssMB;
      const known = Number.isFinite(ours) && Number.isFinite(before);
      rows.push({
        target: `${tool}: peak RSS no higher than the baseline's`,
        set,
        value: known ? ours / before : null,
        limit: 1.0,
        met: known ? ours <= before : null,
        note: hasBaseline ? (known ? `${ours.toFixed(1)} MB against ${before.toFixed(1)} MB` : 'no figure') : 'no baseline: set EDGEWISE_BASELINE to a build of the previous commit',
      });
    }
  }
  for (const tool of ['lint', 'validate']) rows.push(ratioTarget(`${tool} one.json ≤ 1.3× node -e 0`, 'generated', cold[tool]?.ratioToNode, LIMITS.coldToNode));
  rows.push(ratioTarget('pre-commit lint ≤ ajv-cli the same way', 'generated', preCommit.lint?.ratioToAjvCli, LIMITS.preCommitToAjv));
  return rows;
}
