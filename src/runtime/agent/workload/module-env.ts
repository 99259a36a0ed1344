// The IOTEDGE_* environment a module gets from the agent, so that an unmodified
// `ModuleClient.fromEnvironment` takes its edge mode: it reads the workload URI, device, module,
// hub host, gateway host, auth scheme and generation id (azure-iot-device module_client.js
// `_fromEnvironmentEdge`/`validateEnvironment`; docs/FACTS.md §6), fetches the trust bundle and
// has its SAS tokens signed through the workload API, then connects to `mqtts://{gateway}`.
import { InputError } from '../../../errors.js';

/**
 * The workload api-version modules are told to use. The Node SDK always sends 2018-06-28
 * whatever this says; the C# SDK falls back to 2019-01-30 when IOTEDGE_APIVERSION is absent, and
 * every version edgelet knows is served (WORKLOAD_API_VERSIONS in workload-requests.ts).
 */
export const MODULE_API_VERSION = '2019-01-30';

/** Where IoT Edge mounts a module's workload socket inside its container (aziot-edged's [connect] workload_uri). */
export const CONTAINER_WORKLOAD_SOCKET = '/var/run/iotedge/workload.sock';
export const CONTAINER_WORKLOAD_URI = `unix://${CONTAINER_WORKLOAD_SOCKET}`;

export interface ModuleEnvironmentInput {
  edgeDeviceId: string;
  moduleId: string;
  /** The IoT hub's host name as the hub knows it (the edge connection string's HostName): SAS audiences and MQTT user names name it. */
  iotHubHostName: string;
  /**
   * Where the module finds the hub. SDKs connect to port 8883 (MQTT) and 443 (HTTPS, methods) of
   * this name, so the hub should listen there; `host:port` works only for the Node SDK's MQTT.
   */
  gatewayHostName: string;
  /** The module identity's generationId in the cloud: the workload API signs only for it. */
  generationId: string;
  /** unix:// URI of this module's workload socket, as the module sees it (workloadUriFor, or CONTAINER_WORKLOAD_URI). */
  workloadUri: string;
  apiVersion?: string;
}

export function moduleEnvironment(input: ModuleEnvironmentInput): Record<string, string> {
  return {
    IOTEDGE_WORKLOADURI: input.workloadUri,
    IOTEDGE_DEVICEID: input.edgeDeviceId,
    IOTEDGE_MODULEID: input.moduleId,
    IOTEDGE_IOTHUBHOSTNAME: input.iotHubHostName,
    IOTEDGE_GATEWAYHOSTNAME: input.gatewayHostName,
    IOTEDGE_AUTHSCHEME: 'sasToken',
    IOTEDGE_MODULEGENERATIONID: input.generationId,
    IOTEDGE_APIVERSION: input.apiVersion ?? MODULE_API_VERSION,
  };
}

/**
 * Characters a path keeps unchanged through the legacy `url.parse` the Node SDK reads the
 * workload URI with: others are cut off (`#`, `?`) or escaped (a space, `'`, `{`), and the SDK
 * would dial a socket that does not exist. `%` and non-ASCII survive it but not SDKs that decode
 * the URI, so they are refused too.
 */
const URI_SAFE_PATH = /^\/[A-Za-z0-9/._~!$&()*+,;=:@-]*$/;

/** The workload URI of a socket on this machine (the process backend: a module sees the host's paths). */
export function workloadUriFor(socketPath: string): string {
  if (!URI_SAFE_PATH.test(socketPath)) {
    throw new InputError(`the workload socket ${socketPath} cannot be named in a unix:// URI as the module SDKs read it (spaces, quotes, '#', '?', '%' and non-ASCII characters break it); use a --data folder whose path has none of them`, 'workload-path-unsafe');
  }
  return `unix://${socketPath}`;
}
