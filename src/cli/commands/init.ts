// `edgewise init`: writes the starting manifest (or lists the templates); a manifest that
// lints with errors is not written (exit 1).
import { initManifest, type InitOptions } from '../../init/init-manifest.js';
import { TEMPLATES } from '../../init/template-catalogue.js';
import { renderOutput } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';
import { refused } from '../refused.js';

export async function runInit(options: InitOptions & { list?: boolean } = {}): Promise<CommandResult> {
  if (options.list) return { exitCode: 0, stdout: await renderOutput('templates', 'text', TEMPLATES, { color: false }), stderr: '', files: [] };
  const init = await initManifest(options);
  if (init.refusal) return refused(init.refusal);
  const filled = init.parameters.map((parameter) => `${parameter.name}=${parameter.value}${parameter.given ? '' : ' (default)'}`);
  const names = init.parameters.map((parameter) => parameter.name);
  const how = init.keepParams ? (names.length > 0 ? `, parameters kept for edgewise gen: ${names.join(', ')}` : '') : filled.length > 0 ? `, ${filled.join(', ')}` : '';
  const findings = await renderOutput('finding-lines', 'lines', { findings: init.check.findings }, { color: false });
  const stderr = `edgewise: wrote ${init.path === undefined ? '<stdout>' : init.target} from template ${init.template}${how}\n${findings}`;
  return init.path === undefined ? { exitCode: 0, stdout: init.text, stderr, files: [] } : { exitCode: 0, stdout: '', stderr, files: [{ path: init.path, text: init.text }] };
}
