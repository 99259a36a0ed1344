// Reads a request body as JSON, with a size limit so one request cannot fill the memory. The
// largest body the API takes is applyConfigurationContent: up to 50 modules of 32 KB desired
// properties each (docs/FACTS.md §1), well under the limit.
import type { IncomingMessage } from 'node:http';
import { CloudError } from '../cloud-error.js';

export const MAX_BODY_BYTES = 4 * 1024 * 1024;

export async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new CloudError(413, 'MessageTooLarge', `the request body is larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CloudError(400, 'ArgumentInvalid', `the request body is not valid JSON: ${(error as Error).message}`);
  }
}

/** The body as an object, or a 400 that names what was expected. */
export function objectBody(body: unknown, what: string): Record<string, unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new CloudError(400, 'ArgumentInvalid', `the request body must be a JSON object (${what})`);
  return body as Record<string, unknown>;
}
