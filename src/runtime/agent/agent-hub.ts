// What the agent needs of the edge hub it runs beside (RunningHub from runtime/hub/start-hub.ts
// gives all of it): where modules find the hub, the identity cache the workload API signs from,
// the twin service the agent reads `$edgeAgent` through, the edge CA modules trust, and the edge
// device's own connection for the cloud calls the agent makes itself (module identities).
import type { ClientIdentity } from '../iothub/client-identity.js';
import type { HubInfo } from '../hub/hub-info.js';
import type { UpstreamState } from '../hub/hub-types.js';
import type { TwinService } from '../hub/upstream/twin-service.js';

export interface AgentHub {
  readonly info: HubInfo;
  /** 'cut' while `edgewise hub upstream cut` simulates an outage: the agent then calls no cloud either. */
  readonly upstreamState: UpstreamState;
  readonly identities: {
    /** The identity's primary key, once the hub's identity cache holds it. */
    keyOf(identity: ClientIdentity): string | undefined;
    generationOf(identity: ClientIdentity): string | undefined;
    /** Reads the device scope from the cloud now; false when it could not (the cache is kept). */
    refresh(): Promise<boolean>;
  };
  readonly twins: TwinService;
  /** PEM of the edge CA: the workload API's trust bundle. */
  edgeCa(): string;
  readonly connection: {
    /** HostName as the edge device's connection string writes it (it may carry a port). */
    hostName: string;
    deviceId: string;
    key: string;
    cloudHttpsPort: number;
    cloudCa?: string;
  };
}
