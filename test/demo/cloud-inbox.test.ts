// What the demo reads from the cloud: every message, a page at a time from the last one seen.
import { describe, expect, it } from 'vitest';
import { CloudInbox } from '../../src/demo/offline/cloud-inbox.js';
import type { CloudMessage } from '../../src/runtime/cloud/service-client.js';

function message(sequenceNumber: number, deviceId: string, moduleId: string | null, index: number): CloudMessage {
  return { sequenceNumber, deviceId, moduleId, body: '{}', properties: { index: String(index) }, systemProperties: {}, enqueuedTimeUtc: '2026-01-01T00:00:00Z' };
}

describe('the cloud inbox', () => {
  it('reads page after page from the last message seen, and sorts messages by sender', async () => {
    const held = Array.from({ length: 2500 }, (_, n) => message(n + 1, n % 2 === 0 ? 'edge' : 'child', n % 2 === 0 ? 'filter' : null, n));
    const asked: number[] = [];
    const inbox = new CloudInbox({
      readMessages: async (from = 1, options = {}) => {
        asked.push(from);
        return held.filter((entry) => entry.sequenceNumber >= from).slice(0, options.limit ?? 100);
      },
    });
    expect(await inbox.refresh()).toBe(2500);
    expect(asked).toEqual([1, 1001, 2001]);
    held.push(message(2501, 'child', null, 2500));
    expect(await inbox.refresh()).toBe(2501);
    expect(asked.at(-1)).toBe(2501);
    expect(inbox.from('child', null)).toHaveLength(1251);
    expect(CloudInbox.indexes(inbox.from('edge', 'filter', 2000))).toEqual(held.slice(2000).filter((entry) => entry.moduleId === 'filter').map((entry) => Number(entry.properties.index)));
  });
});
