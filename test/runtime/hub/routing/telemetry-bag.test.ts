// formatTelemetryBag writes back what parsePropertyBag read, so the hub forwards a message upstream
// or to a module input with the bag the client sent. The property test states the round trip for
// every bag parsePropertyBag can produce; the SDK test checks the other side reads it too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Message } from 'azure-iot-common';
import { Mqtt } from 'azure-iot-device-mqtt';
import { formatTelemetryBag, parsePropertyBag, type PropertyBag } from '../../../../src/runtime/iothub/property-bag.js';

/** System-property names parsePropertyBag gives documented keys. */
const DOCUMENTED_NAMES = ['message-id', 'correlation-id', 'user-id', 'content-type', 'content-encoding', 'iothub-creation-time-utc', 'dt-subject', 'to', 'absolute-expiry-time'];
const MAPPED_KEYS = new Set(['$.mid', '$.cid', '$.uid', '$.ct', '$.ce', '$.ctime', '$.sub', '$.to', '$.exp', '$.cdid', '$.cmid']);

// Any text the wire can carry: well-formed Unicode, including '&', '=', '%', '/' and '$'.
const text = fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '&', '=', '%', '/', '$', '.', '+', '?', '#', 'é', '€', '😀', '\u0000') });
const appName = text.filter((name) => name !== '' && !name.startsWith('$.'));
const undocumentedSystemKey = text.map((rest) => `$.${rest}`).filter((key) => !MAPPED_KEYS.has(key));
const systemName = fc.oneof(fc.constantFrom(...DOCUMENTED_NAMES), undocumentedSystemKey);

/** A bag as parsePropertyBag produces it (own keys only, no connection stamps). */
const parsedBag: fc.Arbitrary<PropertyBag> = fc.record({
  properties: fc.dictionary(appName, text, { maxKeys: 6 }),
  systemProperties: fc.dictionary(systemName, text, { maxKeys: 6 }),
});

describe('formatTelemetryBag', () => {
  it('round-trips with parsePropertyBag for every bag parsePropertyBag can produce', () => {
    fc.assert(
      fc.property(parsedBag, (bag) => {
        expect(parsePropertyBag(formatTelemetryBag(bag.properties, bag.systemProperties))).toEqual(bag);
      }),
      { numRuns: 500 },
    );
  });

  it('round-trips a parsed wire bag: parse(format(parse(bag))) equals parse(bag)', () => {
    const wirePair = fc.tuple(text, text).map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
    fc.assert(
      fc.property(fc.array(wirePair, { maxLength: 6 }), (pairs) => {
        const parsed = parsePropertyBag(pairs.join('&'));
        if (parsed === undefined) return;
        expect(parsePropertyBag(formatTelemetryBag(parsed.properties, parsed.systemProperties))).toEqual(parsed);
      }),
      { numRuns: 500 },
    );
  });

  it('writes the output name as $.on, in place of one left in the system properties', () => {
    fc.assert(
      fc.property(parsedBag, text, (bag, output) => {
        const parsed = parsePropertyBag(formatTelemetryBag(bag.properties, { ...bag.systemProperties, '$.on': 'stale' }, output));
        expect(parsed?.systemProperties['$.on']).toBe(output);
        expect(parsed?.properties).toEqual(bag.properties);
      }),
    );
  });

  it('writes documented names under their $. keys, percent-encoded', () => {
    const bag = formatTelemetryBag({ 'unit name': '°C & more' }, { 'message-id': 'm-1', 'content-type': 'application/json' }, 'out1');
    expect(bag).toBe('unit%20name=%C2%B0C%20%26%20more&%24.mid=m-1&%24.ct=application%2Fjson&%24.on=out1');
  });

  it('leaves out what cannot be read back as itself, and adds connection stamps only when asked', () => {
    const bag = formatTelemetryBag({ '': 'x', '$.fake': 'system?', ok: '1' }, { 'iothub-connection-device-id': 'd', '$.cdid': 'spoof', 'user-id': 'u' });
    expect(bag).toBe('ok=1&%24.uid=u');
    expect(formatTelemetryBag({}, {}, undefined, { stamps: { deviceId: 'edge', moduleId: 'filter' } })).toBe('%24.cdid=edge&%24.cmid=filter');
  });

  it('encodes lone surrogates as U+FFFD instead of throwing', () => {
    expect(parsePropertyBag(formatTelemetryBag({ a: 'x\uD800y' }, {}))?.properties).toEqual({ a: 'x\uFFFDy' });
  });
});

describe('the device SDK reads a formatted bag', () => {
  it('gives an inputMessage handler the properties and system properties of a module-input delivery', () => {
    const transport = new Mqtt({ host: 'unused.example', deviceId: 'edge', moduleId: 'filter', sharedAccessSignature: 'unused' } as never);
    const received: [string, Message][] = [];
    transport.on('inputMessage', (input: string, message: Message) => received.push([input, message]));
    const bag = formatTelemetryBag({ 'unit name': '°C & more' }, { 'message-id': 'm-1', 'correlation-id': 'c/1', 'content-type': 'application/json', 'content-encoding': 'utf-8' });
    // The transport's topic handler, as MQTT.js would call it for a publish on the input topic.
    (transport as unknown as { _onInputMessage(topic: string, payload: Buffer): void })._onInputMessage(`devices/edge/modules/filter/inputs/in1/${bag}`, Buffer.from('{}'));
    expect(received).toHaveLength(1);
    const [input, message] = received[0]!;
    expect(input).toBe('in1');
    expect(message.messageId).toBe('m-1');
    expect(message.correlationId).toBe('c/1');
    expect(message.contentType).toBe('application/json');
    expect(message.contentEncoding).toBe('utf-8');
    expect(message.properties.getValue('unit name')).toBe('°C & more');
  });
});
