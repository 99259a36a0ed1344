// What MQTT payloads carry as JSON (twin requests and answers, method payloads), read once for
// the emulator and the hub.

/** A payload that is a JSON object, or undefined (not JSON, or another JSON value). */
export function jsonObjectPayload(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(payload.toString('utf8')) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
