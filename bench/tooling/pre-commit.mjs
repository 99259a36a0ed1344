// A pre-commit style run: the files a commit touches, given to the tool in batches (as
// pre-commit and lint-staged do), one process per batch, one batch after the other. The time
// is the sum over the batches; peak RSS is the largest of them. Every tool runs under GNU time.

/** `tools`: those with `batch`. Returns { [toolId]: { runs: [{ ms, rssMB, load1 } | null per repetition], failed? } }. */
export function measurePreCommit({ files, batch, tools, reps, run, log }) {
  const batches = [];
  for (let i = 0; i < files.length; i += batch) batches.push(files.slice(i, i + batch));
  const results = Object.fromEntries(tools.map((tool) => [tool.id, { runs: [], failed: tool.available }]));
  for (let rep = 0; rep < reps; rep++) {
    log(`pre-commit repetition ${rep + 1}/${reps}: ${files.length} files in ${batches.length} processes`);
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[(i + rep) % tools.length];
      const row = results[tool.id];
      if (row.failed) {
        row.runs[rep] = null;
        continue;
      }
      let ms = 0;
      let rssMB = 0;
      const loads = [];
      for (const [index, files] of batches.entries()) {
        const result = run(`pre-commit-${tool.id}-${index}`, tool.batch(files));
        const failed = tool.check(result, files.length);
        if (failed) {
          row.failed = failed;
          log(`pre-commit ${tool.label} FAILED: ${failed.split('\n')[0]}`);
          break;
        }
        ms += result.ms;
        rssMB = Math.max(rssMB, result.rssMB ?? 0);
        loads.push(result.load1);
      }
      row.runs[rep] = row.failed ? null : { ms, rssMB: rssMB || null, load1: Math.max(...loads) };
    }
  }
  return { batches: batches.length, results };
}
