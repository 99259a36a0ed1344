// Random MQTT traffic for the wire fuzz: packets of every type with random and hostile fields
// (topics that inject wildcards, NUL, `..`, another identity's name, 65,000 characters; CONNECTs with
// any protocol, client id and password), written by mqtt-packet's generator, then mutated at the
// byte level (flips, cuts, insertions, a forged remaining length, garbage). A case is plain data
// with placeholders ({own}, {other}, the genuine token), so fast-check can print it and a failure
// can be replayed; render() turns it into bytes for one identity of one server.
// The oracle reads the rendered bytes with the same parser the servers use, so a test knows which
// packets a server could have seen and can judge every answer against them.
import fc from 'fast-check';
import mqttPacket, { type Packet } from 'mqtt-packet';

/** In a case's text: the identity logged in on the connection, and another identity of the same scope. */
const OWN = '{own}';
const OTHER = '{other}';
/** A CONNECT password that render() replaces with a valid token of the connection's identity. */
export const GENUINE_TOKEN = '{genuine-token}';

export type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'cut'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'remaining-length'; packet: number; bytes: number[] }
  | { kind: 'garbage'; bytes: number[] };

export interface WireCase {
  /** `fresh`: the bytes are the first a new connection sends; `logged-in`: they follow an accepted CONNECT. */
  stage: 'fresh' | 'logged-in';
  packets: Packet[];
  mutations: Mutation[];
}

/** Topics a client must not publish to: wildcards, NUL, `..` tricks, another identity's, the server's own. */
const FOREIGN_TOPICS = [
  '#',
  '+',
  '',
  '/',
  '$SYS/#',
  `devices/${OWN}/messages/events/#`,
  `devices/${OWN}/messages/events/+`,
  `devices/${OWN}/messages/events/a\u0000b`,
  `devices/${OWN}/messages/events/../../${OTHER}/messages/events`,
  `devices/${OWN}/../${OTHER}/messages/events`,
  `devices/${OTHER}/messages/events`,
  `devices/${OTHER}/messages/events/`,
  `devices/${OTHER}/messages/devicebound/#`,
  `devices/${OWN}/modules/${OTHER}/messages/events`,
  `devices/+/messages/events`,
  `devices/#`,
  `$iothub/twin/PATCH/properties/desired/?$rid=1`,
  `$iothub/twin/res/200/?$rid=1`,
  `$iothub/methods/POST/reboot/?$rid=1`,
  `$iothub/twin/GET/?$rid=`,
  `$iothub/twin/#`,
];

/** Topics of the identity's own, some odd but allowed (a bag of `..`, bad percent-encoding the server refuses). */
const OWN_TOPICS = [
  `devices/${OWN}/messages/events`,
  `devices/${OWN}/messages/events/..`,
  `devices/${OWN}/messages/events/a=1&b=2`,
  `devices/${OWN}/messages/events/%ZZ`,
  `$iothub/twin/GET/?$rid=7`,
  `$iothub/twin/PATCH/properties/reported/?$rid=8`,
  `$iothub/methods/res/200/?$rid=9`,
  `$iothub/twin/res/#`,
  `$iothub/methods/POST/#`,
  `devices/${OWN}/messages/devicebound/#`,
];

/** Another identity's topics come up more often than the rest: reaching them is the attack that matters most. */
const foreignTopic = fc.oneof(fc.constantFrom(...FOREIGN_TOPICS.filter((topic) => topic.includes(OTHER))), fc.constantFrom(...FOREIGN_TOPICS));
const topic = fc.oneof(
  { weight: 4, arbitrary: foreignTopic },
  { weight: 3, arbitrary: fc.constantFrom(...OWN_TOPICS) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }).map((bag) => `devices/${OWN}/messages/events/${bag}`) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 65_000 }).map((length) => `devices/${OWN}/messages/events/${'x'.repeat(length)}`) },
);

const messageId = fc.integer({ min: 1, max: 65_535 });
const payload = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes));

const connect: fc.Arbitrary<Packet> = fc.record({
  cmd: fc.constant('connect' as const),
  protocolId: fc.constantFrom('MQTT', 'MQIsdp', 'MQTX'),
  protocolVersion: fc.constantFrom(3, 4, 4, 4, 5, 0, 255),
  clientId: fc.oneof(fc.constantFrom(OWN, OTHER, `${OTHER}/module`, `${OWN}/`, '', '/', `${OWN}\u0000`), fc.string({ maxLength: 30 })),
  clean: fc.boolean(),
  keepalive: fc.integer({ min: 0, max: 65_535 }),
  username: fc.option(fc.constantFrom(`{host}/${OWN}/?api-version=2021-04-12`, `{host}/${OTHER}/?api-version=2021-04-12`, 'x', ''), { nil: undefined }),
  password: fc.option(fc.oneof(fc.constant(GENUINE_TOKEN), fc.string({ maxLength: 60 })).map((text) => Buffer.from(text)), { nil: undefined }),
}) as fc.Arbitrary<Packet>;

const publish: fc.Arbitrary<Packet> = fc
  .record({ topic, payload, qos: fc.constantFrom(0, 1, 1, 1, 2) as fc.Arbitrary<0 | 1 | 2>, messageId, dup: fc.boolean(), retain: fc.boolean() })
  .map((fields) => ({ cmd: 'publish', ...fields }) as Packet);

const subscribe: fc.Arbitrary<Packet> = fc
  .record({ messageId, subscriptions: fc.array(fc.record({ topic, qos: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2> }), { minLength: 1, maxLength: 3 }) })
  .map((fields) => ({ cmd: 'subscribe', ...fields }) as Packet);

const unsubscribe: fc.Arbitrary<Packet> = fc.record({ messageId, unsubscriptions: fc.array(topic, { minLength: 1, maxLength: 3 }) }).map((fields) => ({ cmd: 'unsubscribe', ...fields }) as Packet);

/** Packets a client has no business sending, or only in answer to the server. */
const other: fc.Arbitrary<Packet> = fc.oneof(
  fc.constantFrom<Packet>({ cmd: 'pingreq' }, { cmd: 'pingresp' }, { cmd: 'disconnect' }),
  fc.record({ cmd: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp', 'unsuback' as const), messageId }) as fc.Arbitrary<Packet>,
  messageId.map((id) => ({ cmd: 'suback', messageId: id, granted: [1] }) as Packet),
  fc.record({ cmd: fc.constant('connack' as const), returnCode: fc.integer({ min: 0, max: 5 }), sessionPresent: fc.boolean() }) as fc.Arbitrary<Packet>,
);

/** What a well-behaved client of this identity sends, so that cases reach past refusals into the handling of good traffic. */
const ownTraffic: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({ payload, messageId, bag: fc.constantFrom('', 'a=1', '%24.ct=application%2Fjson&k=v', '..') }).map(
    ({ payload, messageId, bag }) => ({ cmd: 'publish', topic: `devices/${OWN}/messages/events/${bag}`, payload, qos: 1, messageId, dup: false, retain: false }) as Packet,
  ),
  fc.record({ messageId, rid: fc.integer({ min: 1, max: 99 }) }).map(({ messageId, rid }) => ({ cmd: 'publish', topic: `$iothub/twin/GET/?$rid=${rid}`, payload: Buffer.alloc(0), qos: 1, messageId, dup: false, retain: false }) as Packet),
  fc
    .record({ messageId, filter: fc.constantFrom('$iothub/twin/res/#', '$iothub/twin/PATCH/properties/desired/#', '$iothub/methods/POST/#', `devices/${OWN}/messages/devicebound/#`) })
    .map(({ messageId, filter }) => ({ cmd: 'subscribe', messageId, subscriptions: [{ topic: filter, qos: 1 }] }) as Packet),
  fc.constant<Packet>({ cmd: 'pingreq' }),
);

/** A CONNECT as the SDK sends it, with the identity's genuine token. */
const genuineConnect: fc.Arbitrary<Packet> = fc.record({ clean: fc.boolean(), keepalive: fc.integer({ min: 0, max: 1200 }) }).map(
  ({ clean, keepalive }) =>
    ({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: OWN, clean, keepalive, username: `{host}/${OWN}/?api-version=2021-04-12`, password: Buffer.from(GENUINE_TOKEN) }) as Packet,
);

/** A QoS 1 PUBLISH to a topic that is not the identity's own: the server must close, never acknowledge. */
const foreignPublish: fc.Arbitrary<Packet> = fc
  .record({ topic: foreignTopic, payload, messageId })
  .map((fields) => ({ cmd: 'publish', qos: 1, dup: false, retain: false, ...fields }) as Packet);

const anyPacket = fc.oneof({ weight: 4, arbitrary: publish }, { weight: 2, arbitrary: subscribe }, { weight: 1, arbitrary: unsubscribe }, { weight: 1, arbitrary: connect }, { weight: 2, arbitrary: other });

const byte = fc.integer({ min: 0, max: 255 });
const position = fc.nat({ max: 100_000 });
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: position, value: byte }),
  fc.record({ kind: fc.constant('cut' as const), at: position }),
  fc.record({ kind: fc.constant('insert' as const), at: position, bytes: fc.array(byte, { minLength: 1, maxLength: 8 }) }),
  // A forged remaining length: any varint, also a 5-byte one MQTT forbids, or a huge announcement.
  fc.record({
    kind: fc.constant('remaining-length' as const),
    packet: fc.nat({ max: 3 }),
    bytes: fc.oneof(fc.array(byte, { minLength: 1, maxLength: 5 }), fc.constantFrom<number[]>([0xff, 0xff, 0xff, 0x7f], [0xff, 0xff, 0xff, 0xff, 0x7f], [0x80, 0x80, 0x80, 0x80, 0x01], [0x00])),
  }),
  fc.record({ kind: fc.constant('garbage' as const), bytes: fc.array(byte, { minLength: 1, maxLength: 64 }) }),
);

/** Half the cases keep their packets as generated, so hostile fields are judged by the dialect, not only by the parser. */
const mutations = fc.oneof(fc.constant<Mutation[]>([]), fc.array(mutation, { minLength: 1, maxLength: 2 }));
/** Good traffic and hostile packets mixed, good first more often than not. */
const session = fc.array(fc.oneof({ weight: 2, arbitrary: ownTraffic }, { weight: 3, arbitrary: foreignPublish }, { weight: 1, arbitrary: anyPacket }), { minLength: 1, maxLength: 5 });

export const wireCase: fc.Arbitrary<WireCase> = fc.oneof(
  fc.record({
    stage: fc.constant('fresh' as const),
    packets: fc.tuple(fc.oneof(connect, genuineConnect), fc.array(fc.oneof(ownTraffic, anyPacket), { maxLength: 3 })).map(([first, rest]) => [first, ...rest]),
    mutations,
  }),
  fc.record({ stage: fc.constant('fresh' as const), packets: fc.array(anyPacket, { minLength: 1, maxLength: 2 }), mutations }),
  { weight: 2, arbitrary: fc.record({ stage: fc.constant('logged-in' as const), packets: session, mutations }) },
);

export interface RenderContext {
  own: string;
  other: string;
  /** The host name usernames carry. */
  host: string;
  genuineToken: string;
}

/** The case's bytes for one identity: its packets generated (one that cannot be generated becomes its JSON text), then mutated. */
export function render(wire: WireCase, context: RenderContext): Buffer {
  const frames = wire.packets.map((packet) => generated(substitute(packet, context)));
  let bytes: Buffer = Buffer.concat(frames);
  for (const change of wire.mutations) bytes = mutate(bytes, frames, change);
  return bytes;
}

function generated(packet: Packet): Buffer {
  try {
    return mqttPacket.generate(packet);
  } catch {
    return Buffer.from(JSON.stringify(packet));
  }
}

function substitute(packet: Packet, context: RenderContext): Packet {
  const text = (value: string): string => value.replaceAll(OWN, context.own).replaceAll(OTHER, context.other).replaceAll('{host}', context.host);
  const copy = { ...packet } as Record<string, unknown>;
  for (const [key, value] of Object.entries(copy)) {
    if (typeof value === 'string') copy[key] = text(value);
    if (Buffer.isBuffer(value)) copy[key] = value.toString('utf8') === GENUINE_TOKEN ? Buffer.from(context.genuineToken) : value;
  }
  if (Array.isArray(copy.subscriptions)) copy.subscriptions = (copy.subscriptions as { topic: string; qos: number }[]).map((entry) => ({ ...entry, topic: text(entry.topic) }));
  if (Array.isArray(copy.unsubscriptions)) copy.unsubscriptions = (copy.unsubscriptions as string[]).map(text);
  return copy as unknown as Packet;
}

function mutate(bytes: Buffer, frames: readonly Buffer[], change: Mutation): Buffer {
  const at = bytes.length === 0 ? 0 : ('at' in change ? change.at : 0) % (bytes.length + 1);
  switch (change.kind) {
    case 'flip': {
      if (bytes.length === 0) return bytes;
      const copy = Buffer.from(bytes);
      copy[at % bytes.length] = change.value;
      return copy;
    }
    case 'cut':
      return bytes.subarray(0, at);
    case 'insert':
      return Buffer.concat([bytes.subarray(0, at), Buffer.from(change.bytes), bytes.subarray(at)]);
    case 'garbage':
      return Buffer.concat([bytes, Buffer.from(change.bytes)]);
    case 'remaining-length': {
      // Replaces the remaining-length field of one of the generated packets, if the bytes still start there.
      const index = change.packet % Math.max(frames.length, 1);
      const start = frames.slice(0, index).reduce((sum, frame) => sum + frame.length, 0);
      if (start >= bytes.length) return bytes;
      const fieldEnd = start + 1 + varintLength(bytes, start + 1);
      return Buffer.concat([bytes.subarray(0, start + 1), Buffer.from(change.bytes), bytes.subarray(Math.min(fieldEnd, bytes.length))]);
    }
  }
}

function varintLength(bytes: Buffer, from: number): number {
  let length = 0;
  while (from + length < bytes.length && length < 4 && (bytes[from + length]! & 0x80) !== 0) length++;
  return length + 1;
}

/** The packets a server reading these bytes sees, in order, up to the first it cannot parse. */
export function packetsSeen(bytes: Buffer): Packet[] {
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  const seen: Packet[] = [];
  let failed = false;
  parser.on('packet', (packet) => {
    if (!failed) seen.push(packet);
  });
  parser.on('error', () => (failed = true));
  try {
    parser.parse(bytes);
  } catch {
    // What the server does with a parser that throws: the socket closes; what came before stands.
  }
  return seen;
}

/** A short printable form of a case's bytes, for a failure message. */
export function hexPreview(bytes: Buffer): string {
  return `${bytes.length} bytes: ${bytes.subarray(0, 96).toString('hex')}${bytes.length > 96 ? '…' : ''}`;
}
