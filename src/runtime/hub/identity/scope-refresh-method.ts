// The cloud's way to make the hub re-read its scope at once: the direct method
// RefreshDeviceScopeIdentityCache on {edge}/$edgeHub (docs/FACTS.md §4). edgeHub answers 200 once
// refreshed, 400 for a payload that is not JSON, 500 when the refresh failed and 404 for any other
// method name (its EdgeHubConnection.HandleMethodInvocation). edgeHub refreshes the device ids the
// payload lists; here the whole scope is re-read, which covers them.
import type { ScopeRefresher } from './scope-refresher.js';

export const SCOPE_REFRESH_METHOD = 'RefreshDeviceScopeIdentityCache';

export type MethodAnswer = { status: number; payload: Buffer };

/** A handler for UpstreamLink.onMethod({deviceId: edge, moduleId: '$edgeHub'}, …). */
export function scopeRefreshMethod(refresher: Pick<ScopeRefresher, 'refreshNow'>): (name: string, payload: Buffer) => Promise<MethodAnswer> {
  return async (name, payload) => {
    if (name.toLowerCase() !== SCOPE_REFRESH_METHOD.toLowerCase()) return answer(404, { message: `Method ${name} is not supported` });
    if (payload.length > 0 && !isJson(payload)) return answer(400, { message: `the ${SCOPE_REFRESH_METHOD} payload is not JSON` });
    return (await refresher.refreshNow()) ? { status: 200, payload: Buffer.from('null') } : answer(500, { message: 'the device scope could not be read from the cloud; the cached one is kept' });
  };
}

function answer(status: number, body: unknown): MethodAnswer {
  return { status, payload: Buffer.from(JSON.stringify(body)) };
}

function isJson(payload: Buffer): boolean {
  try {
    JSON.parse(payload.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}
