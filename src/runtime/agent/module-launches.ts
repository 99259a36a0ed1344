// What each module is created with (a ModuleLaunch): its own workload socket, the IOTEDGE_*
// environment that sends an unmodified ModuleClient.fromEnvironment to the hub, over the
// deployment's env, and its log file. A module's socket is kept across its restarts and
// recreations, and closed when the deployment removes it.
import { moduleLogPath } from './process/module-log-path.js';
import { CONTAINER_WORKLOAD_URI, moduleEnvironment, workloadUriFor } from './workload/module-env.js';
import type { WorkloadServer, WorkloadSocket } from './workload/workload-server.js';
import type { ModuleBackend, ModuleLaunch, ModuleSpec } from './agent-types.js';
import type { AgentHub } from './agent-hub.js';
import type { IdentityUpkeep } from './identity-upkeep.js';

/** Where SDKs look for the hub's MQTT listener when the gateway name carries no port. */
const SDK_MQTT_PORT = 8883;

export interface ModuleLaunchesOptions {
  hub: AgentHub;
  workload: WorkloadServer;
  identities: IdentityUpkeep;
  dataFolder: string;
  backend: ModuleBackend['name'];
  log: (line: string) => void;
}

export class ModuleLaunches {
  private readonly sockets = new Map<string, WorkloadSocket>();
  private readonly gatewayHostName: string;

  constructor(private readonly options: ModuleLaunchesOptions) {
    const { info } = options.hub;
    // SDKs connect to port 8883 of IOTEDGE_GATEWAYHOSTNAME (docs/FACTS.md §6); only the Node SDK's MQTT takes `host:port`.
    this.gatewayHostName = info.mqtt.port === SDK_MQTT_PORT ? info.gatewayHostName : `${info.gatewayHostName}:${info.mqtt.port}`;
    if (info.mqtt.port !== SDK_MQTT_PORT) {
      options.log(`the hub listens on port ${info.mqtt.port}, not 8883: modules are told IOTEDGE_GATEWAYHOSTNAME=${this.gatewayHostName}, which only the Node SDK over MQTT understands`);
    }
  }

  async launchOf(spec: ModuleSpec): Promise<ModuleLaunch> {
    const generationId = await this.options.identities.generationOf(spec.name);
    const socket = await this.options.workload.open(spec.name);
    this.sockets.set(spec.name, socket);
    const workloadUri = this.options.backend === 'docker' ? CONTAINER_WORKLOAD_URI : workloadUriFor(socket.socketPath);
    const env = {
      ...spec.env,
      ...moduleEnvironment({
        edgeDeviceId: this.options.hub.connection.deviceId,
        moduleId: spec.name,
        iotHubHostName: this.options.hub.connection.hostName,
        gatewayHostName: this.gatewayHostName,
        generationId,
        workloadUri,
      }),
    };
    return { spec, env, workloadSocket: socket.socketPath, logFile: moduleLogPath(this.options.dataFolder, spec.name) };
  }

  /** The deployment removed the module: its socket goes. */
  async removed(name: string): Promise<void> {
    const socket = this.sockets.get(name);
    this.sockets.delete(name);
    await socket?.close();
  }
}
