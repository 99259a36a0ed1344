// What went wrong talking to the Docker Engine API, in words for a one-line message. dockerode
// rejects with the HTTP status in `statusCode` and the engine's `{message}` body in `json`, or
// with a socket error (`code` ENOENT, ECONNREFUSED, EACCES) when no engine answers.

interface EngineError {
  statusCode?: number;
  code?: string;
  json?: unknown;
  message?: string;
}

export function statusOf(error: unknown): number | undefined {
  return (error as EngineError | undefined)?.statusCode;
}

export function engineReason(error: unknown): string {
  const failure = (error ?? {}) as EngineError;
  const body = failure.json;
  if (body !== null && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body.trim() !== '') return body.trim();
  if (failure.code !== undefined && failure.statusCode === undefined) return `${failure.code}: ${failure.message ?? ''}`.trim();
  return failure.message ?? String(error);
}

/** True when no engine answered at all (as opposed to an engine refusing a request). */
export function isUnreachable(error: unknown): boolean {
  const code = (error as EngineError | undefined)?.code;
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT';
}
