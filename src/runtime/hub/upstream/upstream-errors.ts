// Why an upstream operation did not happen. Unavailable is transient (cut, down, reconnecting):
// the caller keeps the message and tries again once the link is back. Rejected is permanent for
// that message (the cloud can never take it): retrying would block the identity's queue forever.
// IdentityRefused is Unavailable (messages are kept) for an identity whose CONNECT the cloud
// refused as not authorized: it was disabled or removed, which the next scope read settles.
import { EdgewiseError } from '../../../errors.js';

export class UpstreamUnavailableError extends EdgewiseError {
  override name = 'UpstreamUnavailableError';
  readonly code = 'upstream-unavailable';
}

export class UpstreamRejectedError extends EdgewiseError {
  override name = 'UpstreamRejectedError';
  readonly code = 'upstream-rejected';
}

export class IdentityRefusedError extends UpstreamUnavailableError {
  override name = 'IdentityRefusedError';
}
