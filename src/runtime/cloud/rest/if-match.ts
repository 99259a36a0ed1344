// The If-Match header as the stores take it: the Node service SDK quotes every etag, the star
// included (`"*"`, docs/FACTS.md §9), and a weak etag may carry `W/`; the stores compare bare etags.
import type { RestRequest } from './rest-types.js';

export function ifMatchOf(request: RestRequest): string | undefined {
  const raw = request.headers['if-match'];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  if (value === undefined || value === '') return undefined;
  const bare = value.replace(/^W\//, '');
  return bare.length >= 2 && bare.startsWith('"') && bare.endsWith('"') ? bare.slice(1, -1) : bare;
}
