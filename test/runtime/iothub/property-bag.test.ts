// The property bag of a telemetry topic, as the Node device SDK writes it: system properties through
// querystring (so `$` arrives as %24), application properties through encodeURIComponent
// (docs/research/iothub-facts.md §6).
import { stringify } from 'node:querystring';
import { describe, expect, it } from 'vitest';
import { formatPropertyBag, parsePropertyBag } from '../../../src/runtime/iothub/property-bag.js';

describe('parsePropertyBag', () => {
  it('names system properties as the service side reads them and keeps application properties', () => {
    const system = stringify({ '$.mid': 'm-1', '$.cid': 'c 1', '$.ct': 'application/json', '$.ce': 'utf-8' });
    const bag = `${system}&${encodeURIComponent('unit name')}=${encodeURIComponent('°C & more')}`;
    expect(parsePropertyBag(bag)).toEqual({
      properties: { 'unit name': '°C & more' },
      systemProperties: { 'message-id': 'm-1', 'correlation-id': 'c 1', 'content-type': 'application/json', 'content-encoding': 'utf-8' },
    });
  });

  it('keeps undocumented system keys under their bag key, and a key without = as empty', () => {
    expect(parsePropertyBag('%24.on=output1&flag')).toEqual({ properties: { flag: '' }, systemProperties: { '$.on': 'output1' } });
  });

  it('drops connection stamps a device may not set', () => {
    expect(parsePropertyBag('%24.cdid=someone-else&%24.cmid=m&a=1')).toEqual({ properties: { a: '1' }, systemProperties: {} });
  });

  it('keeps __proto__ as a plain key', () => {
    const parsed = parsePropertyBag('__proto__=x');
    expect(Object.keys(parsed!.properties)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(parsed!.properties)).toBe(Object.prototype);
  });

  it('reads an empty bag as no properties', () => {
    expect(parsePropertyBag('')).toEqual({ properties: {}, systemProperties: {} });
  });

  it('refuses broken percent-encoding and an empty key', () => {
    expect(parsePropertyBag('a=%E0%A4%A')).toBeUndefined();
    expect(parsePropertyBag('=value')).toBeUndefined();
  });
});

describe('formatPropertyBag', () => {
  it('percent-encodes every name and value, so the bag of a cloud-to-device topic reads back the same', () => {
    const bag = formatPropertyBag({ 'a b&c': 'x=y/z', unit: '°C' }, { '$.mid': 'm 1', '$.to': '/devices/d/messages/devicebound' });
    // No `/` may stay unencoded: the device SDK reads the bag as one topic segment.
    expect(bag).not.toContain('/');
    expect(parsePropertyBag(bag)).toEqual({ properties: { 'a b&c': 'x=y/z', unit: '°C' }, systemProperties: { 'message-id': 'm 1', to: '/devices/d/messages/devicebound' } });
  });
});
