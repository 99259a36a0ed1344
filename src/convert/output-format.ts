// Which format convert (and init) writes: said by --to / --yaml, by the output's extension, or,
// for convert with neither, the other one of the input's. An extension that disagrees with the
// format asked for is a usage error, since every tool after us goes by the extension.
import { InputError } from '../errors.js';
import type { SourceFormat } from '../manifest/source-format.js';

export type ConvertTarget = SourceFormat;

const SHOWN: Record<ConvertTarget, string> = { json: 'JSON', yaml: 'YAML' };

/** The format a file name says (.json, .yaml, .yml), if it says one. */
export function formatOfName(file: string): ConvertTarget | undefined {
  if (/\.json$/i.test(file)) return 'json';
  if (/\.ya?ml$/i.test(file)) return 'yaml';
  return undefined;
}

/** An output name for `file` with the extension of `format` (x.json → x.yaml). */
export function withFormatExtension(file: string, format: ConvertTarget): string {
  const stem = file.replace(/\.(json|ya?ml)$/i, '');
  return `${stem}.${format}`;
}

/**
 * The format convert was asked for: --to, else the output's extension; undefined when neither
 * says (then it is the other format of the input).
 */
export function askedTarget(to: ConvertTarget | undefined, output: string | undefined): ConvertTarget | undefined {
  const named = output === undefined ? undefined : formatOfName(output);
  if (output !== undefined && named === undefined) throw new InputError(`--output ${output}: name it *.json or *.yaml, so the format is clear to every tool`);
  if (to !== undefined && named !== undefined && to !== named) {
    throw new InputError(`--output ${output} says ${SHOWN[named]} but --to is ${to}; use -o ${withFormatExtension(output!, to)}, or drop --to`);
  }
  return to ?? named;
}

/** The other format: what converting a file of this format gives. */
export function otherFormat(format: ConvertTarget): ConvertTarget {
  return format === 'json' ? 'yaml' : 'json';
}

/** init's format: --yaml, else the output's extension, else JSON. */
export function initFormat(yaml: boolean | undefined, output: string | undefined): ConvertTarget {
  const named = output === undefined || output === '-' ? undefined : formatOfName(output);
  if (yaml && named === 'json') throw new InputError(`${output}: --yaml writes YAML but the extension says JSON; use -o ${withFormatExtension(output!, 'yaml')} or drop --yaml`);
  return yaml ? 'yaml' : (named ?? 'json');
}
