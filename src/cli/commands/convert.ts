// `edgewise convert FILE`: the converted manifest to stdout or --output, with what the user
// should know on stderr; lint errors only warn (convert changes the format, not the content).
import { CONVERT_FAILURES, convertManifest, type ConvertOptions } from '../../convert/convert-manifest.js';
import type { CommandResult } from '../command-result.js';
import { failOnManifestErrors } from '../manifest-failure.js';

export async function runConvert(path: string, options: ConvertOptions): Promise<CommandResult> {
  return failOnManifestErrors(CONVERT_FAILURES, async () => {
    const conversion = await convertManifest(path, options);
    const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
    for (const note of conversion.notes) result.stderr += `edgewise: ${note}\n`;
    const errors = conversion.lintErrors;
    if (errors > 0) result.stderr += `edgewise: warning: ${conversion.file} has ${errors} lint error${errors === 1 ? '' : 's'}; converted anyway (convert changes only the format)\n`;
    if (conversion.path === undefined) result.stdout = conversion.text;
    else {
      result.files.push({ path: conversion.path, text: conversion.text, modeOf: path });
      result.stderr += `edgewise: wrote ${options.output}\n`;
    }
    return result;
  });
}
