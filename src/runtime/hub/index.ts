// The edge hub's public API, for the CLI (`edgewise run`, `edgewise hub`) and the agent that
// comes next: start a hub on a data folder, find a running one, and talk to it.
export { startHub, HUB_DEFAULTS, type HubOptions, type RunningHub } from './start-hub.js';
export { readHubInfo, hubInfoPath, HUB_INFO_FILE, DEFAULT_HUB_DATA_FOLDER, type HubInfo } from './hub-info.js';
export type { HubStatus, QueueView, ClientView } from './hub-status.js';
export { askHub, NoHubError, AdminRequestError } from './admin-client.js';
export { adminSocketPath, type AdminRequest, type UpstreamAction } from './admin-channel.js';
export { EDGE_CA_FILE } from './edge-certificates.js';
export { createHubLog, type HubLog } from './hub-log.js';
export { DEFAULT_CLEANUP_INTERVAL_MS } from './expiry-cleanup.js';
