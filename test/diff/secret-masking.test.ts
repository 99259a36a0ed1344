// Masking by place (secret-masking.ts), without the formats' final net by value.
import { describe, expect, it } from 'vitest';
import { isSecretPath, maskChangeValues, maskValue, secretsByPlace } from '../../src/diff/secret-masking.js';

describe('masking by place', () => {
  it('knows secret places in the normalized model and in the raw manifest', () => {
    expect(isSecretPath(['registryCredentials', 'acr', 'password'])).toBe(true);
    expect(isSecretPath(['modules', 'db', 'env', 'DB_PASSWORD'])).toBe(true);
    expect(isSecretPath(['modulesContent', '$edgeAgent', 'properties.desired', 'modules', 'db', 'env', 'SAS_TOKEN', 'value'])).toBe(true);
    expect(isSecretPath(['modules', 'db', 'env', 'LOG_LEVEL'])).toBe(false);
    expect(isSecretPath(['modules', 'db', 'image'])).toBe(false);
  });

  it('masks nested secrets and Docker Env entries, and nothing else', () => {
    const module = { image: 'db:1', env: { DB_PASSWORD: 'hunter22', LOG_LEVEL: 'info' }, createOptions: { Env: ['A=1', 'API_KEY=k-123456'] } };
    expect(maskValue(module, [])).toEqual({ image: 'db:1', env: { DB_PASSWORD: '****', LOG_LEVEL: 'info' }, createOptions: { Env: ['A=1', 'API_KEY=****'] } });
    expect([...secretsByPlace(module)].sort()).toEqual(['hunter22', 'k-123456']);
  });

  it('masks known secret values where they appear in ordinary places', () => {
    expect(maskValue({ note: 'rotate hunter22 monthly' }, ['hunter22'])).toEqual({ note: 'rotate **** monthly' });
  });

  it('a changed secret keeps only the fact that it changed', () => {
    expect(maskChangeValues({ segments: ['registryCredentials', 'acr', 'password'], old: 'a-secret-1', new: 'a-secret-2' }, [])).toEqual({ old: '****', new: '****', secret: true });
    expect(maskChangeValues({ segments: ['modules', 'db', 'env', 'TOKEN'], new: 'tok-1234' }, [])).toEqual({ new: '****', secret: true });
  });
});
