// The two ways the hub's store fails, as typed errors: a write that could not be committed (the
// caller refuses the publish and the client retries), and a store that cannot be opened safely.
import { EdgewiseError, InputError } from '../../errors.js';

/** A write was not committed (disk full, store full, I/O error); nothing of it is stored. */
export class StoreWriteError extends EdgewiseError {
  override name = 'StoreWriteError';

  constructor(
    message: string,
    readonly code: 'store-full' | 'disk-full' | 'store-io' | 'store-closed' = 'store-io',
  ) {
    super(message);
  }
}

/**
 * The store folder holds something edgewise cannot open safely (truncated, corrupted, not a hub
 * store). Nothing is deleted or rewritten: the message names the folder and the recovery.
 */
export class StoreOpenError extends InputError {
  override name = 'StoreOpenError';

  constructor(folder: string, reason: string) {
    super(
      `the hub store in ${folder} cannot be opened: ${reason}. Stop the hub, move that folder aside (for example rename it to ${folder}.broken) and start again with an empty store; edgewise never deletes it`,
      'store-corrupt',
    );
  }
}
