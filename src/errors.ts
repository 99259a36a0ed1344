// Typed errors of the library. Callers catch them by class or by `code`; only src/cli/ decides
// what they mean for an exit code and how they are printed.

export abstract class EdgewiseError extends Error {
  abstract readonly code: string;
}

/** What the caller passed cannot be used: a missing path, a bad option value, a broken config. */
export class InputError extends EdgewiseError {
  override name = 'InputError';

  constructor(
    message: string,
    readonly code: string = 'invalid-input',
  ) {
    super(message);
  }
}

/** Where in a file a ManifestError points, when it is known. */
export interface ErrorPlace {
  file: string;
  line?: number;
  column?: number;
}

/** A manifest stops the operation: it cannot be read as a deployment, or a change to it is unsafe. */
export class ManifestError extends EdgewiseError {
  override name = 'ManifestError';

  constructor(
    message: string,
    readonly code: string,
    readonly place?: ErrorPlace,
  ) {
    super(message);
  }
}
