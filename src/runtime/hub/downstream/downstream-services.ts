// What the downstream MQTT head asks of the rest of the hub: who may connect (the identity
// cache), where messages go (routing and the store), twins, the upstream link, the counters and
// the log. The assembly binds them; tests pass fakes.
import type { IConnectPacket } from 'mqtt-packet';
import type { MessageStore } from '../../store/message-store.js';
import type { AuthenticatedClient, HubCounters, HubMessage } from '../hub-types.js';
import type { TwinService } from '../upstream/twin-service.js';
import type { UpstreamLink } from '../upstream/upstream-link.js';

export type AuthenticationVerdict = { ok: true; client: AuthenticatedClient } | { ok: false; returnCode: number; reason: string };

export interface DownstreamServices {
  /**
   * The CONNECT check (the identity cache's authenticateFromCache, bound by the assembly).
   * `hostNames` are the server's: its option's names plus this listener's `{host}:{port}`.
   */
  authenticate(packet: IConnectPacket, nowSeconds: number, hostNames: readonly string[]): AuthenticationVerdict;
  /** Routes and stores a telemetry/output message; resolves after commit, then the PUBACK goes. Rejects: no PUBACK, the connection closes, the client resends. */
  ingest(message: HubMessage): Promise<void>;
  /** Module input queues, delivered from here. */
  store: MessageStore;
  /** `delivered` counts module inputs acknowledged by their module. */
  counters: HubCounters;
  twins: TwinService;
  /** attach/detach clients, cloud-invoked methods, cloud-to-device messages. */
  upstream: UpstreamLink;
  log(line: string): void;
}
