// `edgewise hub status --data DIR`: asks the hub running on DIR over its admin channel and prints
// its status as JSON (issue 12's contract: upstream, clients, queues, store, counters). No hub
// there is a NoHubError, which main.ts prints in one line with exit 2.
// The admin client alone, not the hub's index: asking a running hub loads none of the hub itself.
import { askHub } from '../../runtime/hub/admin-client.js';
import { DEFAULT_HUB_DATA_FOLDER } from '../../runtime/hub/hub-info.js';
import type { CommandResult } from '../command-result.js';

export async function runHubStatus(options: { data?: string }): Promise<CommandResult> {
  const status = await askHub(options.data ?? DEFAULT_HUB_DATA_FOLDER, { command: 'status' });
  return { exitCode: 0, stdout: `${JSON.stringify(status, null, 2)}\n`, stderr: '', files: [] };
}
