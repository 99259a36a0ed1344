// Where the demo's hub listens. Modules started by the agent connect with
// ModuleClient.fromEnvironment, and ModuleClient.invokeMethod calls https://{GatewayHostName}/
// on port 443 with the host name alone (docs/FACTS.md §4, §6), so the module-to-child direct
// method needs the hub's MQTT on 8883 (else modules are told `host:port`, which the method
// client cannot use) and its HTTPS on 443. When either cannot be had, the hub takes a port the
// system chooses instead, every other step still runs, and the method step is skipped with what
// to do to enable it.
import { InputError } from '../../errors.js';
import { HUB_DEFAULTS } from '../../runtime/hub/index.js';

export interface GatewayPorts {
  mqttPort: number;
  httpsPort: number;
}

/** Why the direct-method step cannot run, and what enables it. */
export interface MethodStepBlocked {
  reason: string;
  enable: string;
}

export interface StartedOnPorts<T> {
  started: T;
  /** Set when the hub could not take the ports the direct-method step needs. */
  blocked?: MethodStepBlocked;
}

const SDK_MQTT_PORT = 8883;
const ENABLE_PORT_443 = 'run as root, or allow ports from 443 to every user (sudo sysctl net.ipv4.ip_unprivileged_port_start=443), or let node bind them (sudo setcap cap_net_bind_service=+ep "$(command -v node)")';

/** Starts with 8883 and 443, giving up each one the system refuses (taken, or not allowed) for a port it chooses. */
export async function startOnGatewayPorts<T>(address: string, start: (ports: GatewayPorts) => Promise<T>): Promise<StartedOnPorts<T>> {
  const ports: GatewayPorts = { mqttPort: SDK_MQTT_PORT, httpsPort: HUB_DEFAULTS.httpsPort };
  const reasons: string[] = [];
  const enables: string[] = [];
  for (;;) {
    try {
      const started = await start(ports);
      return reasons.length === 0 ? { started } : { started, blocked: { reason: reasons.join('; '), enable: enables.join('; and ') } };
    } catch (error) {
      const refusal = portRefusal(error);
      if (refusal === undefined) throw error;
      if (refusal.flag === '--mqtt-port' && ports.mqttPort !== 0) {
        ports.mqttPort = 0;
        reasons.push(`${address}:${SDK_MQTT_PORT} ${refusal.denied ? 'is not allowed to this user' : 'is in use'}, so modules are told GatewayHostName=${address}:PORT, which ModuleClient.invokeMethod cannot call`);
        enables.push(refusal.denied ? ENABLE_PORT_443 : `stop what listens on ${address}:${SDK_MQTT_PORT}, or give the demo another loopback address (--address ${otherLoopback(address)})`);
      } else if (refusal.flag === '--https-port' && ports.httpsPort !== 0) {
        ports.httpsPort = 0;
        reasons.push(refusal.denied ? `port 443 of ${address} needs root or CAP_NET_BIND_SERVICE, and ModuleClient.invokeMethod calls the hub on 443 only` : `${address}:443 is in use by another program, and ModuleClient.invokeMethod calls the hub on 443 only`);
        enables.push(refusal.denied ? ENABLE_PORT_443 : `stop what listens on ${address}:443, or give the demo another loopback address (--address ${otherLoopback(address)})`);
      } else {
        throw error;
      }
    }
  }
}

/** The hub's listening() error for a port taken (EADDRINUSE) or not allowed (EACCES), with the flag it names. */
function portRefusal(error: unknown): { flag: string; denied: boolean } | undefined {
  if (!(error instanceof InputError) || (error.code !== 'address-in-use' && error.code !== 'address-denied')) return undefined;
  const flag = /(--mqtt-port|--https-port)$/.exec(error.message)?.[1];
  return flag === undefined ? undefined : { flag, denied: error.code === 'address-denied' };
}

/** A loopback address other than `address`, to suggest. */
function otherLoopback(address: string): string {
  return address === '127.0.0.2' ? '127.0.0.3' : '127.0.0.2';
}
