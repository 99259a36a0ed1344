// The device-to-cloud messages the emulator received, read as `edgewise cloud messages` reads
// them, a page at a time from the last one seen: how the demo sees what reached the cloud, when,
// and in which order (numbered-order.ts judges that order).
import type { CloudMessage, ServiceClient } from '../../runtime/cloud/service-client.js';

const PAGE = 1000;

export class CloudInbox {
  private readonly received: CloudMessage[] = [];
  private next = 1;

  constructor(private readonly client: Pick<ServiceClient, 'readMessages'>) {}

  /** Reads what arrived since the last call; returns how many messages the cloud holds now. */
  async refresh(): Promise<number> {
    for (;;) {
      const page = await this.client.readMessages(this.next, { limit: PAGE });
      for (const message of page) {
        this.received.push(message);
        this.next = message.sequenceNumber + 1;
      }
      if (page.length < PAGE) return this.received.length;
    }
  }

  get count(): number {
    return this.received.length;
  }

  /** Messages of one sender (a device, or a device's module), from position `from` of the inbox on. */
  from(deviceId: string, moduleId: string | null, from = 0): CloudMessage[] {
    return this.received.slice(from).filter((message) => message.deviceId === deviceId && message.moduleId === moduleId);
  }

  /** The `index` application property of each message, in arrival order. */
  static indexes(messages: readonly CloudMessage[]): number[] {
    return messages.map((message) => Number(message.properties.index));
  }
}
