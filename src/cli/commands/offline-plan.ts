// `edgewise offline plan MANIFEST`: the plan as a table or JSON on stdout, size warnings on stderr.
import { OFFLINE_PLAN_FAILURES, planOfflineFile, type OfflinePlanOptions } from '../../offline/plan-offline-file.js';
import { checkFormat, loadFormatter } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';
import { failOnManifestErrors } from '../manifest-failure.js';

export async function runOfflinePlan(path: string, options: OfflinePlanOptions & { format?: string }): Promise<CommandResult> {
  const format = options.format ?? 'table';
  checkFormat('offline-plan', format);
  return failOnManifestErrors(OFFLINE_PLAN_FAILURES, async () => {
    const planned = await planOfflineFile(path, options);
    const formatter = await loadFormatter('offline-plan', format);
    return { exitCode: 0, stdout: formatter.render(planned.report, { color: false }), stderr: planned.warnings.map((warning) => `edgewise: warning: ${warning}\n`).join(''), files: [] };
  });
}
