// What Docker does with a PortBindings key that is not "<port>[/tcp|udp|sctp]". The trailing
// space is that of aaronpowell/sunshine .build/deployment.template.json ("8883/tcp ").
import { describe, expect, it } from 'vitest';
import { describePortKeyProblem, portKeyProblem } from '../../src/manifest/docker/port-key.js';

describe('portKeyProblem', () => {
  it.each(['8883/tcp', '8883', '5671/udp', '9000/sctp', '8000-8010/tcp', '8883/'])('%s is read as written', (key) => {
    expect(portKeyProblem(key)).toBeUndefined();
  });

  it('a trailing space stays in the protocol', () => {
    expect(portKeyProblem('8883/tcp ')).toEqual({ kind: 'unknown-protocol', written: 'tcp ', port: '8883', protocol: 'tcp' });
  });

  it('a space in the port part makes it no port number', () => {
    expect(portKeyProblem(' 8883/tcp')).toEqual({ kind: 'bad-port', port: ' 8883' });
    expect(portKeyProblem('8883 ')).toEqual({ kind: 'bad-port', port: '8883 ' });
    expect(portKeyProblem('mqtt/tcp')).toEqual({ kind: 'bad-port', port: 'mqtt' });
  });

  it('an upper-case protocol differs only in case', () => {
    expect(portKeyProblem('8883/TCP')).toEqual({ kind: 'protocol-case', written: 'TCP', port: '8883', protocol: 'tcp' });
  });

  it('an unknown protocol', () => {
    expect(portKeyProblem('8883/tpc')).toEqual({ kind: 'unknown-protocol', written: 'tpc', port: '8883', protocol: 'tpc' });
  });
});

describe('describePortKeyProblem', () => {
  it('says a trailing space is not trimmed, what each Docker version does, and what to write', () => {
    const text = describePortKeyProblem('8883/tcp ')!;
    expect(text).toContain('its protocol "tcp " is not tcp, udp or sctp (Docker does not trim the space)');
    expect(text).toContain('Docker before 29.0 applies a binding only to an exposed port of the same exact text');
    expect(text).toContain('port 8883 is not published');
    expect(text).toContain('Docker 29.0 and later fail to start the container ("unknown protocol")');
    expect(text).toMatch(/Write "8883\/tcp"$/);
  });

  it('suggests the known protocols when the written one is no misspelt case', () => {
    expect(describePortKeyProblem('8883/tpc')).toMatch(/Write "8883\/tcp" \(or udp, sctp\)$/);
  });

  it('says Docker refuses a port that is not a number', () => {
    expect(describePortKeyProblem(' 8883/tcp')).toContain('refuses to create the container ("invalid port specification")');
  });

  it('has nothing to say about a key Docker reads as written', () => {
    expect(describePortKeyProblem('8883/tcp')).toBeUndefined();
  });
});

describe('describePortKeyProblem for the port part', () => {
  it.each([
    [' 8883/tcp', '(Docker does not trim spaces)', 'Write "8883/tcp"'],
    ['8883 ', '(Docker does not trim spaces)', 'Write "8883/tcp"'],
    ['8883 /udp', '(Docker does not trim spaces)', 'Write "8883/udp"'],
    ['mqtt/tcp', 'which is not a port number, and', 'Write a number, such as "8883/tcp"'],
  ])('%j', (key, reason, advice) => {
    const text = describePortKeyProblem(key)!;
    expect(text).toContain(reason);
    expect(text.endsWith(advice)).toBe(true);
  });
});
