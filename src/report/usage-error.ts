// A mistake in how edgewise was called or configured (a missing file, a bad option, a broken
// config): reported as one line on stderr with exit code 2, never as a stack trace.
export class UsageError extends Error {
  override name = 'UsageError';
}
