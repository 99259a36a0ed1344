// Throughput and linearity: every tool over every folder (set × size), repetitions interleaved
// (each repetition runs every folder and tool once, the tools in a rotated order) so drift on a
// shared machine hits every row alike. A floor's time is its own in-process time (listing,
// reading, parsing: no node start-up); every other time is the wall-clock of the whole command.

/**
 * `folders`: [{ set, count, dir, files }]; `tools`: those with `many`; `run(name, command)` runs
 * once. Returns { [set]: { [count]: { [toolId]: { runs: [run|null per repetition], failed? } } } }.
 */
export function measureManyFiles({ folders, tools, reps, run, warm, log }) {
  const results = {};
  for (const folder of folders) {
    warm(folder.dir); // page cache, untimed
    results[folder.set] ??= {};
    results[folder.set][folder.count] = Object.fromEntries(tools.map((tool) => [tool.id, { runs: [], failed: tool.available }]));
  }
  for (let rep = 0; rep < reps; rep++) {
    for (const folder of folders) {
      const order = tools.map((_, i) => tools[(i + rep) % tools.length]);
      log(`repetition ${rep + 1}/${reps}: ${folder.set}, ${folder.count.toLocaleString('en-US')} files`);
      for (const tool of order) {
        const row = results[folder.set][folder.count][tool.id];
        if (row.failed) {
          row.runs[rep] = null;
          continue;
        }
        const result = run(`many-${folder.set}-${folder.count}-${tool.id}`, tool.many(folder.dir));
        const failed = tool.check(result, folder.files);
        if (failed) {
          row.failed = failed;
          row.runs[rep] = null;
          log(`${tool.label} on ${folder.set}/${folder.count} FAILED: ${failed.split('\n')[0]}`);
          continue;
        }
        row.runs[rep] = { ms: result.inProcessMs ?? result.ms, wallMs: result.ms, rssMB: result.rssMB, load1: result.load1, status: result.status };
      }
    }
  }
  return results;
}
