// `edgewise cloud messages [--follow] [--from N]`: the device-to-cloud messages in arrival order,
// as a JSON array (body as text when it is UTF-8, else base64 with `bodyEncoding`). With
// --follow the array stays open and each new message is written as it arrives (the emulator
// holds a read open until one does); a stop signal closes the array, so the output stays JSON.
import type { CloudMessage, ServiceClient } from '../../runtime/cloud/service-client.js';
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, printed, withService } from './cloud-failure.js';

const PAGE = 1000;
const FOLLOW_WAIT_SECONDS = 30;

export interface MessagesOptions extends CloudVerbOptions {
  from?: number;
  follow?: boolean;
}

export interface FollowIo {
  write(text: string): void;
  /** Aborted when the user stops following (Ctrl-C). */
  stop: AbortSignal;
}

export async function runMessages(options: MessagesOptions, io?: FollowIo): Promise<CommandResult> {
  return withService('messages', options.data, async (client) => {
    if (options.follow && io) return follow(client, Math.max(options.from ?? 1, 1), io);
    const messages: CloudMessage[] = [];
    let from = Math.max(options.from ?? 1, 1);
    for (;;) {
      const page = await client.readMessages(from, { limit: PAGE });
      messages.push(...page);
      if (page.length < PAGE) break;
      from = page[page.length - 1]!.sequenceNumber + 1;
    }
    return printed(asJson(messages));
  });
}

async function follow(client: ServiceClient, start: number, io: FollowIo): Promise<CommandResult> {
  let from = start;
  let first = true;
  io.write('[');
  try {
    while (!io.stop.aborted) {
      let page: CloudMessage[];
      try {
        page = await client.readMessages(from, { limit: PAGE, waitSeconds: FOLLOW_WAIT_SECONDS, signal: io.stop });
      } catch (error) {
        if (io.stop.aborted) break;
        throw error;
      }
      for (const message of page) {
        io.write(`${first ? '\n' : ',\n'}${JSON.stringify(message)}`);
        first = false;
      }
      if (page.length > 0) from = page[page.length - 1]!.sequenceNumber + 1;
    }
  } finally {
    // Closed whatever ended the loop (a stop, the emulator going away), so what was written stays one JSON array.
    io.write(first ? ']\n' : '\n]\n');
  }
  return printed('');
}
