// `edgewise hub upstream cut|restore --data DIR`: simulates an outage and its end on the hub
// running on DIR, without stopping anything; prints the upstream state after the change as JSON,
// e.g. {"upstream": "cut"}. No hub there is a NoHubError (exit 2, from main.ts).
import { InputError } from '../../errors.js';
// The admin client alone, not the hub's index: asking a running hub loads none of the hub itself.
import type { UpstreamAction } from '../../runtime/hub/admin-channel.js';
import { askHub } from '../../runtime/hub/admin-client.js';
import { DEFAULT_HUB_DATA_FOLDER } from '../../runtime/hub/hub-info.js';
import type { CommandResult } from '../command-result.js';

export async function runHubUpstream(action: string, options: { data?: string }): Promise<CommandResult> {
  if (action !== 'cut' && action !== 'restore') throw new InputError(`hub upstream takes cut or restore, not "${action}"`, 'invalid-option');
  const result = await askHub(options.data ?? DEFAULT_HUB_DATA_FOLDER, { command: 'upstream', action: action satisfies UpstreamAction });
  return { exitCode: 0, stdout: `${JSON.stringify(result)}\n`, stderr: '', files: [] };
}
