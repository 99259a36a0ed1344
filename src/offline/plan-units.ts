// Sizes and durations as `offline plan` reads and writes them. Sizes have one grammar, for every
// size option: a whole number is bytes (512); a number with a unit may have a fraction (1.5GB).
// Units follow SI and IEC: kB/KB, MB, GB, TB are powers of 1000 (as disk vendors and `df -H`
// count), KiB, MiB, GiB, TiB powers of 1024 (as `df -h` counts); letters in any case. A unit
// without B ("8G") is refused, since Docker reads it as binary and disk vendors as decimal.
// Durations are written "1 d 2 h", "45 min".

const UNITS: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

export interface ByteSize {
  bytes: number;
  /** No unit was written: the number is bytes. */
  bare: boolean;
}

/** Reads "8GB", "512 MiB", "1.5gb", "512" or "512B"; undefined when it is not a size above 0. */
export function readByteSize(text: string): ByteSize | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmgt]i?b|b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const bare = match[2] === undefined;
  if (bare && match[1]!.includes('.')) return undefined; // a fraction of a byte
  const bytes = Number(match[1]) * UNITS[(match[2] ?? 'b').toLowerCase()]!;
  return Number.isFinite(bytes) && bytes >= 1 ? { bytes: Math.round(bytes), bare } : undefined;
}

/** The bytes of a size, or undefined when it is not one. */
export function parseByteSize(text: string): number | undefined {
  return readByteSize(text)?.bytes;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${Math.round(bytes)} B`;
  const units = ['kB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 'B';
  for (const next of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = next;
  }
  return `${value < 10 ? value.toFixed(2) : value < 100 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** Two most significant units: "5 d 10 h", "3 h 20 min", "45 s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'forever';
  const parts: [number, string][] = [
    [Math.floor(seconds / 86400), 'd'],
    [Math.floor((seconds % 86400) / 3600), 'h'],
    [Math.floor((seconds % 3600) / 60), 'min'],
    [Math.floor(seconds % 60), 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return `${seconds.toFixed(seconds < 1 ? 2 : 0)} s`;
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}
