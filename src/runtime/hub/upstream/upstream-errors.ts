// Why an upstream operation did not happen. Unavailable is transient (cut, down, reconnecting):
// the caller keeps the message and tries again once the link is back. Rejected is permanent for
// that message (the cloud can never take it): retrying would block the identity's queue forever.
import { EdgewiseError } from '../../../errors.js';

export class UpstreamUnavailableError extends EdgewiseError {
  override name = 'UpstreamUnavailableError';
  readonly code = 'upstream-unavailable';
}

export class UpstreamRejectedError extends EdgewiseError {
  override name = 'UpstreamRejectedError';
  readonly code = 'upstream-rejected';
}
