// Serialises createOptions the way iotedgedev and the VS Code extension do: compact JSON split
// into 512-character chunks named createOptions, createOptions01, createOptions02…
// (512 was IoT Hub's twin string limit when chunking was introduced; edgeAgent joins them.)

export const CHUNK_SIZE = 512;
export const MAX_CHUNKS = 100;

export function chunkKey(index: number): string {
  return index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
}

export function chunkCreateOptions(options: unknown, size = CHUNK_SIZE): Record<string, string> {
  const text = JSON.stringify(options);
  const chunks: Record<string, string> = {};
  let start = 0;
  let index = 0;
  do {
    let end = Math.min(start + size, text.length);
    // Never split a surrogate pair (an emoji, say) across two chunks.
    if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--;
    chunks[chunkKey(index++)] = text.slice(start, end);
    start = end;
  } while (start < text.length);
  return chunks;
}
