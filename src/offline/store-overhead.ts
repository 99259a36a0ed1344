// How many bytes edgeHub's store uses for one message held while the device is offline.
//
// This is an ESTIMATE, to be replaced by the number the runtime's store benchmark measures once
// that exists (bytes on disk after N messages of size S, minus N × S, divided by N). Until then
// it is derived from how edgeHub stores a message (iotedge edge-hub MessageStore.cs; FACTS.md §3):
// - the message itself, once, in an entity store keyed by its edgeMessageId (a GUID, 36 bytes),
//   serialised with Newtonsoft.Json as a MessageWrapper {Message, TimeStamp, RefCount}:
//     JSON framing, timestamp and ref count                                  ≈ 150 bytes
//     system properties edgeHub adds (edgeMessageId, connectionDeviceId,
//     connectionModuleId, enqueuedTime, outputName, contentType…), as JSON   ≈ 350 bytes
// - one reference per endpoint queue, keyed by an 8-byte offset: MessageRef JSON
//   {EdgeMessageId, TimeStamp, TimeToLive}                                   ≈ 130 bytes
// - RocksDB's own cost for the two entries (internal key suffixes, index and filter blocks)
//                                                                            ≈ 50 bytes
// That is about 716 bytes; the estimate rounds it up to 1 KiB to cover type names in the JSON
// and RocksDB's space amplification (about 10% with levelled compaction).
// The body (Message.Body, a byte[]) is written by Newtonsoft.Json as base64, so it takes 4/3
// of its size (inference from the code: Newtonsoft's default for byte[]); that part is counted
// in storedBytesPerMessage, not in the overhead.
export const STORE_OVERHEAD_BYTES_PER_MESSAGE = 1024;

/** Bytes one message of `size` bytes takes in the store: the body as base64, plus the overhead. */
export function storedBytesPerMessage(size: number): number {
  return Math.ceil(size / 3) * 4 + STORE_OVERHEAD_BYTES_PER_MESSAGE;
}
