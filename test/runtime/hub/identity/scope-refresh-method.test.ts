// The RefreshDeviceScopeIdentityCache method's answers, as edgeHub gives them.
import { describe, expect, it } from 'vitest';
import { scopeRefreshMethod } from '../../../../src/runtime/hub/identity/scope-refresh-method.js';

const refresher = (result: boolean) => {
  let calls = 0;
  return { refreshNow: async () => (calls++, result), calls: () => calls };
};

describe('scopeRefreshMethod', () => {
  it('refreshes and answers 200, whatever the case of the name', async () => {
    const fake = refresher(true);
    const handle = scopeRefreshMethod(fake);
    expect(await handle('RefreshDeviceScopeIdentityCache', Buffer.from('{"deviceIds":["d1"]}'))).toEqual({ status: 200, payload: Buffer.from('null') });
    expect(await handle('refreshdevicescopeidentitycache', Buffer.alloc(0))).toMatchObject({ status: 200 });
    expect(fake.calls()).toBe(2);
  });

  it('answers 500 when the cloud could not be read, 400 for a payload that is not JSON, 404 for other methods', async () => {
    expect((await scopeRefreshMethod(refresher(false))('RefreshDeviceScopeIdentityCache', Buffer.alloc(0))).status).toBe(500);
    const fake = refresher(true);
    const handle = scopeRefreshMethod(fake);
    expect((await handle('RefreshDeviceScopeIdentityCache', Buffer.from('{nope'))).status).toBe(400);
    const other = await handle('reboot', Buffer.alloc(0));
    expect(other.status).toBe(404);
    expect(JSON.parse(other.payload.toString('utf8'))).toEqual({ message: 'Method reboot is not supported' });
    expect(fake.calls()).toBe(0);
  });
});
