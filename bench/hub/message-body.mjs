// The benchmark's message bodies: each names its run, sender and sequence number, so a receiver
// (mosquitto's subscriber, the emulator's telemetry log) can tell which acknowledged messages
// arrived; a paced publisher also stamps when it sent the message, for end-to-end latency.

export function messageBody(tag, clientIndex, seq, size, sentAtMs) {
  const stamp = sentAtMs === undefined ? '' : `${sentAtMs.toFixed(3)}:`;
  return Buffer.from(`${tag}:${clientIndex}:${seq}:${stamp}`.padEnd(size, 'x'));
}

function fields(body) {
  const text = typeof body === 'string' ? body.slice(0, 96) : body.subarray(0, 96).toString('latin1');
  return text.split(':', 4);
}

/** "clientIndex:seq" of a body of this run, or undefined for anything else. */
export function messageKey(tag, body) {
  const [bodyTag, clientIndex, seq] = fields(body);
  return bodyTag === tag && seq !== undefined ? `${clientIndex}:${seq}` : undefined;
}

/** When a paced publisher sent the message (ms since the epoch, sub-millisecond), or NaN. */
export function sentAtOf(body) {
  return Number(fields(body)[3]);
}
