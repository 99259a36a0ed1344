// Twin document size as IoT Hub counts it (learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins,
// "Device twin size"): the sum, over every property, of the key's length plus the value's
// length; keys and strings count as UTF-8 bytes without the C0 and C1 control characters,
// numbers as 8 bytes and booleans as 4; nested objects count as the sum of what they hold.
// Read-only `$` elements ($version, $metadata) are excluded. Two choices the page leaves open:
// an array counts as the sum of its items, and null as 4 bytes (like a boolean).
// This is closer to IoT Hub than the length of compact JSON, which also counts quotes, colons,
// commas and braces (about 6 bytes more per property).

/** UTF-8 length of a string without C0 (U+0000–U+001F) and C1 (U+0080–U+009F) control characters. */
export function twinStringBytes(text: string): number {
  if (!/[^\x20-\x7e]/.test(text)) return text.length; // printable ASCII, the common case: one byte each
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code <= 0x1f || (code >= 0x80 && code <= 0x9f)) continue;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export function twinValueBytes(value: unknown): number {
  if (typeof value === 'string') return twinStringBytes(value);
  if (typeof value === 'number') return 8;
  if (typeof value === 'boolean' || value === null) return 4;
  if (Array.isArray(value)) return value.reduce((sum: number, item) => sum + twinValueBytes(item), 0);
  if (typeof value === 'object') {
    let bytes = 0;
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      if (key.startsWith('$')) continue;
      bytes += twinStringBytes(key) + twinValueBytes(child);
    }
    return bytes;
  }
  return 0;
}
