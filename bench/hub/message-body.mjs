// The benchmark's message bodies: each names its run, sender and sequence number, so a receiver
// (mosquitto's subscriber, the emulator's telemetry log) can tell which acknowledged messages arrived.

export function messageBody(tag, clientIndex, seq, size) {
  return Buffer.from(`${tag}:${clientIndex}:${seq}:`.padEnd(size, 'x'));
}

/** "clientIndex:seq" of a body of this run, or undefined for anything else. */
export function messageKey(tag, body) {
  const text = typeof body === 'string' ? body.slice(0, 64) : body.subarray(0, 64).toString('latin1');
  const [bodyTag, clientIndex, seq] = text.split(':', 3);
  return bodyTag === tag && seq !== undefined ? `${clientIndex}:${seq}` : undefined;
}
