// Device-to-cloud messages in arrival order, kept in the store: the emulator's stand-in for IoT Hub's
// built-in Event Hubs endpoint. Sequence numbers are the emulator's own (docs/research/iothub-facts.md
// §6 "Sequence numbers"): 1, 2, 3 … in the order `append` is called, continuing after a restart.
// `append` resolves only once lmdb has committed the record to disk, so an MQTT PUBACK sent after it
// acknowledges a durable message (docs/FACTS.md §3 "Acknowledgement").
import type { CloudStore } from '../store/open-store.js';
import { CloudError } from './cloud-error.js';

export interface TelemetryRecord {
  /** 1, 2, 3 … across restarts. */
  sequenceNumber: number;
  deviceId: string;
  moduleId?: string;
  /** UTF-8 text when the bytes are valid UTF-8, else base64. */
  body: string;
  /** Set only when body is base64. */
  bodyEncoding?: 'base64';
  /** Application properties. */
  properties: Record<string, string>;
  /** message-id, correlation-id, content-type, content-encoding, iothub-connection-device-id, iothub-enqueuedtime … */
  systemProperties: Record<string, string>;
  enqueuedTimeUtc: string;
}

export interface IncomingMessage {
  deviceId: string;
  moduleId?: string;
  body: Buffer;
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
}

/** IoT Hub's largest device-to-cloud message (iothub-facts.md §6 "Retention and size"). */
export const MAX_MESSAGE_BYTES = 256 * 1024;

/** Decodes only valid UTF-8, and keeps a leading byte-order mark, so text round-trips to the same bytes. */
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export class TelemetryLog {
  private readonly listeners = new Set<(record: TelemetryRecord) => void>();
  private nextSequenceNumber: number;
  /** The last announcement in line: each waits for the one before. */
  private announced: Promise<void> = Promise.resolve();

  /** One log per store: the next sequence number is kept here, read from the store once. */
  constructor(private readonly store: CloudStore) {
    const [last] = store.telemetry.getKeys({ reverse: true, limit: 1 });
    this.nextSequenceNumber = typeof last === 'number' ? last + 1 : 1;
  }

  async append(message: IncomingMessage): Promise<TelemetryRecord> {
    if (message.body.length > MAX_MESSAGE_BYTES) {
      throw new CloudError(413, 'MessageTooLarge', `The message is ${message.body.length} bytes; IoT Hub takes at most ${MAX_MESSAGE_BYTES}.`);
    }
    const enqueuedTimeUtc = new Date().toISOString();
    const record: TelemetryRecord = {
      sequenceNumber: this.nextSequenceNumber++,
      deviceId: message.deviceId,
      ...(message.moduleId === undefined ? {} : { moduleId: message.moduleId }),
      ...encodeBody(message.body),
      properties: { ...message.properties },
      systemProperties: { 'iothub-enqueuedtime': enqueuedTimeUtc, ...message.systemProperties },
      enqueuedTimeUtc,
    };
    // Puts made in the same event turn share one commit; the promise resolves after it is on disk.
    const committed = this.store.telemetry.put(record.sequenceNumber, record);
    // Listeners hear of records in sequence order; append resolves once its record was announced,
    // and rejects when the commit failed (then nobody hears of it).
    const announced = this.announced.then(() => committed).then(() => this.announce(record));
    this.announced = announced.catch(() => undefined);
    await announced;
    return record;
  }

  /** Records from a sequence number on, in order; all of them when no limit is given. */
  read(fromSequenceNumber = 1, limit?: number): TelemetryRecord[] {
    const range = this.store.telemetry.getRange({ start: Math.max(1, Math.floor(fromSequenceNumber)), ...(limit === undefined ? {} : { limit: Math.max(0, Math.floor(limit)) }) });
    return [...range.map(({ value }) => value as TelemetryRecord)];
  }

  /** The sequence number given to the last message appended (committed or on its way), 0 when there is none. */
  lastSequenceNumber(): number {
    return this.nextSequenceNumber - 1;
  }

  /** Calls `listener` with each record once it is committed; returns the function that stops it. */
  onAppend(listener: (record: TelemetryRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private announce(record: TelemetryRecord): void {
    for (const listener of this.listeners) {
      try {
        listener(structuredClone(record));
      } catch {
        // A listener's failure (e.g. a closed follower) does not undo or block the append.
      }
    }
  }
}

function encodeBody(body: Buffer): { body: string; bodyEncoding?: 'base64' } {
  try {
    return { body: strictUtf8.decode(body) };
  } catch {
    return { body: body.toString('base64'), bodyEncoding: 'base64' };
  }
}
