// `edgewise offline plan MANIFEST`: the plan as a table or JSON on stdout, size warnings on stderr.
import { InputError } from '../../errors.js';
import { OFFLINE_PLAN_FAILURES, planOfflineFile, type OfflinePlanOptions } from '../../offline/plan-offline-file.js';
import { renderPlan, type PlanFormat } from '../../offline/plan-report.js';
import type { CommandResult } from '../command-result.js';
import { failOnManifestErrors } from '../manifest-failure.js';

export async function runOfflinePlan(path: string, options: OfflinePlanOptions & { format?: PlanFormat }): Promise<CommandResult> {
  const format = options.format ?? 'table';
  if (format !== 'table' && format !== 'json') throw new InputError(`--format must be table or json, not "${String(format)}"`);
  return failOnManifestErrors(OFFLINE_PLAN_FAILURES, async () => {
    const planned = await planOfflineFile(path, options);
    return { exitCode: 0, stdout: renderPlan(planned.report.file, planned.report, format), stderr: planned.warnings.map((warning) => `edgewise: warning: ${warning}\n`).join(''), files: [] };
  });
}
