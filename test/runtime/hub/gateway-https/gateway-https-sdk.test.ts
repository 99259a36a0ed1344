// The official module SDK's invokeMethod against the gateway's HTTPS head. The SDK builds
// https://{GatewayHostName}/twins/… and never sets a port, so the server listens on 443 of
// 127.0.0.3 (an address of its own: other tests use 127.0.0.1 and 127.0.0.2); tests run as root.
import { ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MethodInvocationError, startGatewayHttpsServer, type GatewayHttpsServer } from '../../../../src/runtime/hub/gateway-https/gateway-https-server.js';
import { deviceConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import { CALLER, CALLER_KEY, EDGE, HUB_NAME, makeCertificates, verifyCaller } from './gateway-support.js';

const GATEWAY = '127.0.0.3';
let server: GatewayHttpsServer;
let ca: string;
let cleanup: () => void;
const invoked: string[] = [];

beforeAll(async () => {
  const made = makeCertificates(GATEWAY);
  cleanup = made.cleanup;
  ca = made.certificates.ca;
  server = await startGatewayHttpsServer({
    host: GATEWAY,
    port: 443,
    tls: { key: made.certificates.key, cert: made.certificates.cert },
    verify: verifyCaller,
    edgeDeviceId: EDGE,
    methods: {
      invoke: async (target, request) => {
        invoked.push(`${target.deviceId}/${target.moduleId ?? ''}:${request.methodName}`);
        if (target.moduleId === 'offline') throw new MethodInvocationError(404, 'not connected');
        if (target.moduleId === 'slow') throw new MethodInvocationError(504, 'no answer');
        return { status: 200, payload: { received: request.payload } };
      },
    },
  });
});

afterAll(async () => {
  await server?.close();
  cleanup?.();
});

async function moduleClient(key: string): Promise<ModuleClient> {
  const connectionString = `${deviceConnectionString(HUB_NAME, EDGE, key, CALLER.moduleId)};GatewayHostName=${GATEWAY}`;
  const client = ModuleClient.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca });
  return client;
}

interface SdkError extends Error {
  response?: { statusCode?: number };
  responseBody?: string;
}

describe('ModuleClient.invokeMethod through the gateway', () => {
  it('reaches a module and returns its answer', async () => {
    const client = await moduleClient(CALLER_KEY);
    const result = await client.invokeMethod(EDGE, 'filter', { methodName: 'reset', payload: { level: 3 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 0 });
    expect(result).toEqual({ status: 200, payload: { received: { level: 3 } } });
    expect(invoked.at(-1)).toBe('edge/filter:reset');
  });

  it('reaches a child device', async () => {
    const client = await moduleClient(CALLER_KEY);
    const result = await client.invokeMethod('child', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 });
    expect(result).toEqual({ status: 200, payload: { received: null } });
  });

  it('surfaces 404 and 504 as the SDK errors, with edgeHub bodies', async () => {
    const client = await moduleClient(CALLER_KEY);
    const offline = (await client.invokeMethod(EDGE, 'offline', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }).catch((error: unknown) => error)) as SdkError;
    expect(offline.response?.statusCode).toBe(404);
    expect(JSON.parse(offline.responseBody ?? '{}')).toEqual({ message: 'Client edge/offline not found' });
    const slow = (await client.invokeMethod(EDGE, 'slow', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }).catch((error: unknown) => error)) as SdkError;
    expect(slow.name).toBe('GatewayTimeoutError');
    expect(slow.response?.statusCode).toBe(504);
  });

  it('is refused with 401 when its key is wrong', async () => {
    const client = await moduleClient(Buffer.alloc(32, 9).toString('base64'));
    const before = invoked.length;
    const error = (await client.invokeMethod(EDGE, 'filter', { methodName: 'reset', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 }).catch((caught: unknown) => caught)) as SdkError;
    expect(error.name).toBe('UnauthorizedError');
    expect(invoked.length).toBe(before);
  });
});
