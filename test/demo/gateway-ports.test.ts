// Where the demo's hub listens: 8883 and 443 when it may have them; a port the system refuses
// (taken: EADDRINUSE; not allowed: EACCES, a normal user and 443) is replaced by one it chooses,
// and the direct-method step is marked blocked with why and how to enable it. The refusals are
// the hub's own (listening.ts), so the wording the demo reads is the one the hub writes.
import { describe, expect, it } from 'vitest';
import { startOnGatewayPorts, type GatewayPorts } from '../../src/demo/offline/gateway-ports.js';
import { listening } from '../../src/runtime/hub/listening.js';

const ADDRESS = '127.0.16.9';

/** A hub start that refuses the ports in `refused` (port → errno code), as the system would, and records each try. */
function fakeHub(refused: Record<number, 'EACCES' | 'EADDRINUSE'>): { tries: GatewayPorts[]; start: (ports: GatewayPorts) => Promise<string> } {
  const tries: GatewayPorts[] = [];
  const bind = (port: number) => async (): Promise<void> => {
    const code = refused[port];
    if (code) throw Object.assign(new Error(`listen ${code}`), { code });
  };
  return {
    tries,
    start: async (ports) => {
      tries.push({ ...ports });
      await listening('--mqtt-port', ADDRESS, ports.mqttPort, bind(ports.mqttPort));
      await listening('--https-port', ADDRESS, ports.httpsPort, bind(ports.httpsPort));
      return 'hub';
    },
  };
}

describe('the demo hub ports', () => {
  it('are 8883 and 443 when the system allows them: nothing is blocked', async () => {
    const hub = fakeHub({});
    expect(await startOnGatewayPorts(ADDRESS, hub.start)).toEqual({ started: 'hub' });
    expect(hub.tries).toEqual([{ mqttPort: 8883, httpsPort: 443 }]);
  });

  it('give up 443 for a chosen port when this user may not bind it, saying how to allow it', async () => {
    const hub = fakeHub({ 443: 'EACCES' });
    const { blocked } = await startOnGatewayPorts(ADDRESS, hub.start);
    expect(hub.tries).toEqual([{ mqttPort: 8883, httpsPort: 443 }, { mqttPort: 8883, httpsPort: 0 }]);
    expect(blocked?.reason).toBe(`port 443 of ${ADDRESS} needs root or CAP_NET_BIND_SERVICE, and ModuleClient.invokeMethod calls the hub on 443 only`);
    expect(blocked?.enable).toContain('run as root');
    expect(blocked?.enable).toContain('sudo sysctl net.ipv4.ip_unprivileged_port_start=443');
    expect(blocked?.enable).toContain('sudo setcap cap_net_bind_service=+ep "$(command -v node)"');
  });

  it('give up 443 when another program holds it, saying to stop it or use another address', async () => {
    const hub = fakeHub({ 443: 'EADDRINUSE' });
    const { blocked } = await startOnGatewayPorts(ADDRESS, hub.start);
    expect(blocked).toEqual({
      reason: `${ADDRESS}:443 is in use by another program, and ModuleClient.invokeMethod calls the hub on 443 only`,
      enable: `stop what listens on ${ADDRESS}:443, or give the demo another loopback address (--address 127.0.0.2)`,
    });
  });

  it('give up 8883 when it is taken (modules are then told host:port, which invokeMethod cannot call), and 443 too if need be', async () => {
    const hub = fakeHub({ 8883: 'EADDRINUSE', 443: 'EACCES' });
    const { blocked } = await startOnGatewayPorts(ADDRESS, hub.start);
    expect(hub.tries).toEqual([
      { mqttPort: 8883, httpsPort: 443 },
      { mqttPort: 0, httpsPort: 443 },
      { mqttPort: 0, httpsPort: 0 },
    ]);
    expect(blocked?.reason).toBe(`${ADDRESS}:8883 is in use, so modules are told GatewayHostName=${ADDRESS}:PORT, which ModuleClient.invokeMethod cannot call; port 443 of ${ADDRESS} needs root or CAP_NET_BIND_SERVICE, and ModuleClient.invokeMethod calls the hub on 443 only`);
  });

  it('rethrow any other failure, and a refusal of a port the system chose', async () => {
    await expect(startOnGatewayPorts(ADDRESS, async () => Promise.reject(new Error('the store is damaged')))).rejects.toThrow('the store is damaged');
    await expect(startOnGatewayPorts(ADDRESS, fakeHub({ 443: 'EADDRINUSE', 0: 'EADDRINUSE' }).start)).rejects.toThrow(`${ADDRESS}:0 is in use`);
  });
});
