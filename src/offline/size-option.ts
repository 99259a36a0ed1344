// The size options of `offline plan` (--size, --disk), all read with the one size grammar of
// plan-units.ts. A bare number is bytes; where that is implausible for the option (a disk of
// 8 bytes) it is still taken as written, with a warning that names the likely unit, so a script
// that meant bytes keeps working and a person who forgot the unit sees it.
import { InputError } from '../errors.js';
import { readByteSize } from './plan-units.js';

interface SizeOptionSpec {
  flag: string;
  example: string;
  /** A bare number below this many bytes is probably a missing unit. */
  bareMinimum?: number;
}

export const SIZE_OPTIONS = {
  // A message of a few bytes is unusual but real (a counter), so a bare --size is never doubted.
  size: { flag: '--size', example: '--size 512 or --size 4KB' },
  // Less than a mebibyte holds a few hundred messages at most: far more likely a missing unit.
  disk: { flag: '--disk', example: '--disk 8GB', bareMinimum: 1024 ** 2 },
} as const satisfies Record<string, SizeOptionSpec>;

export type SizeOptionName = keyof typeof SIZE_OPTIONS;

export interface SizeReading {
  bytes: number;
  /** Said on stderr: the value was taken, but looks like a mistake. */
  warning?: string;
}

const GRAMMAR = 'a whole number of bytes (512) or a number with a unit (256KB, 8GB, 512MiB; KB, MB, GB, TB count in 1000s, KiB, MiB, GiB, TiB in 1024s)';

export function readSizeOption(name: SizeOptionName, text: string): SizeReading {
  const spec: SizeOptionSpec = SIZE_OPTIONS[name];
  const size = readByteSize(text);
  if (size === undefined) {
    const unitWithoutB = /^\s*(\d+(?:\.\d+)?)\s*([kmgt])\s*$/i.exec(text);
    if (unitWithoutB) {
      const [, number, prefix] = unitWithoutB;
      const unit = prefix!.toUpperCase();
      throw new InputError(`${spec.flag} ${text}: write ${number}${unit}B (powers of 1000) or ${number}${unit}iB (powers of 1024)`);
    }
    throw new InputError(`${spec.flag} ${text}: expected ${GRAMMAR}, e.g. ${spec.example}`);
  }
  if (size.bare && spec.bareMinimum !== undefined && size.bytes < spec.bareMinimum) {
    const unit = size.bytes < 1000 ? 'GB' : 'MB';
    return { bytes: size.bytes, warning: `${spec.flag} ${text.trim()} means ${size.bytes} byte${size.bytes === 1 ? '' : 's'}; did you mean ${text.trim()}${unit}?` };
  }
  return { bytes: size.bytes };
}
