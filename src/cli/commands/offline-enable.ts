// `edgewise offline enable MANIFEST`: writes the manifest with offline settings (to stdout,
// --output or in place) and says what changed; a result with lint errors is not written (exit 1).
import { enableOffline, OFFLINE_ENABLE_FAILURES, type OfflineEnableOptions } from '../../offline/enable-offline.js';
import { renderOutput } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';
import { failOnManifestErrors } from '../manifest-failure.js';
import { refused } from '../refused.js';

export async function runOfflineEnable(path: string, options: OfflineEnableOptions = {}): Promise<CommandResult> {
  return failOnManifestErrors(OFFLINE_ENABLE_FAILURES, async () => {
    const enabled = await enableOffline(path, options);
    if (enabled.refusal) return refused(enabled.refusal);
    const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
    if (!enabled.changed) result.stderr += `edgewise: ${enabled.file} already has these offline settings; nothing to change\n`;
    for (const change of enabled.changes) result.stderr += `edgewise: ${change}\n`;
    for (const note of enabled.notes) result.stderr += `edgewise: note: ${note}\n`;
    result.stderr += await renderOutput('finding-lines', 'lines', { findings: enabled.check.findings }, { color: false });
    if (enabled.target === undefined) result.stdout = enabled.text;
    else if (enabled.path !== undefined) {
      result.files.push({ path: enabled.path, text: enabled.text, modeOf: path });
      result.stderr += `edgewise: wrote ${enabled.target}\n`;
    }
    return result;
  });
}
