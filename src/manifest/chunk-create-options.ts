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
  for (let index = 0, start = 0; start < text.length || index === 0; index++, start += size) {
    chunks[chunkKey(index)] = text.slice(start, start + size);
  }
  return chunks;
}
