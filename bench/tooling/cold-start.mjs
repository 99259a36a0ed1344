// Cold start: one small manifest, each command run many times after a few warm-ups (page
// cache, compile caches), the order rotated every round so no command always follows another.
// Timed without GNU time (its fork would weigh on 40 ms runs); peak RSS comes from one more run.

/** `tools`: those with `one`. Returns { [toolId]: { ms: [per round], rssMB, load1: [...], failed? } }. */
export function measureColdStart({ file, tools, warmups, runs, run, runWithRss, log }) {
  const results = Object.fromEntries(tools.map((tool) => [tool.id, { ms: [], load1: [], rssMB: null, failed: tool.available }]));
  const active = tools.filter((tool) => !tool.available);
  log(`cold start: ${warmups} warm-up(s) and ${runs} runs of ${active.map((tool) => tool.label).join(', ')}`);
  for (let round = 0; round < warmups + runs; round++) {
    for (let i = 0; i < active.length; i++) {
      const tool = active[(i + round) % active.length];
      const row = results[tool.id];
      const result = run(`cold-${tool.id}`, tool.one(file));
      const failed = tool.check(result, 1);
      if (failed && !row.failed) {
        row.failed = failed;
        log(`cold start of ${tool.label} FAILED: ${failed.split('\n')[0]}`);
      }
      if (round >= warmups) {
        row.ms.push(failed ? null : result.ms);
        row.load1.push(result.load1);
      }
    }
  }
  for (const tool of active) results[tool.id].rssMB = runWithRss(`cold-rss-${tool.id}`, tool.one(file)).rssMB;
  return results;
}
