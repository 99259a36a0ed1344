// `edgewise cloud deploy EDGE_ID MANIFEST`: lints the manifest with the full rule catalogue (the
// write gate every manifest-writing command passes) and refuses it with errors (exit 1, one line
// per error); then applies its modulesContent to the edge device through
// applyConfigurationContent, which sets the $edgeAgent, $edgeHub and module twins.
import { checkOutput } from '../../lint/write-gate.js';
import { locateModulesContent } from '../../manifest/manifest-shape.js';
import { parseManifestText } from '../../manifest/read-manifest-document.js';
import { readOneInput } from '../../manifest/read-one-input.js';
import { InputError } from '../../errors.js';
import { formatFindingLines } from '../../report/finding-lines-format.js';
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, withService } from './cloud-failure.js';

export async function runDeploy(edgeId: string, manifestPath: string, options: CloudVerbOptions): Promise<CommandResult> {
  const input = readOneInput(manifestPath, process.cwd());
  if (input.text.trim() === '') throw new InputError(`${input.file} is empty: it holds no deployment`);
  // Lint first: a text that does not parse is a lint error too (the parse rule), refused like the others.
  const check = await checkOutput(input.file, input.text, { flavour: 'manifest' });
  if (!check.ok) {
    const count = `${check.errors} lint error${check.errors === 1 ? '' : 's'}`;
    return { exitCode: 1, stdout: '', stderr: `edgewise cloud deploy: refused to apply ${input.file} to ${edgeId}: it has ${count}:\n${formatFindingLines(check.findings, 'error')}`, files: [] };
  }
  const document = await parseManifestText(input.file, input.text);
  const { modulesContent } = locateModulesContent(document.value);
  if (!modulesContent) throw new InputError(`${document.file} has no modulesContent: it is not a deployment manifest`);
  const warnings = check.warnings > 0 ? `edgewise cloud deploy: ${document.file} has ${check.warnings} lint warning${check.warnings === 1 ? '' : 's'}; run edgewise lint on it to see them\n` : '';
  return withService('deploy', options.data, async (client) => {
    await client.applyConfigurationContent(edgeId, { modulesContent });
    const modules = Object.keys(modulesContent);
    const stdout = options.json ? asJson({ deviceId: edgeId, manifest: document.file, modules }) : `applied ${document.file} to ${edgeId}: desired properties of ${modules.join(', ')}\n`;
    return { exitCode: 0, stdout, stderr: warnings, files: [] };
  });
}
