// Focused behaviour of source prefixes and sink checks beyond the conformance records.
import { describe, expect, it } from 'vitest';
import {
  checkFunctionEndpoint,
  checkSystemEndpoint,
  compileSourceMatcher,
  messageSourceFromSystemProperties,
  normalizeRouteSource,
  sourceMatches,
} from '../../src/routes/index.js';

describe('route sources', () => {
  it('trims, drops every trailing * and /, and adds one /', () => {
    expect(normalizeRouteSource('  /messages/modules/m1**  ')).toBe('/messages/modules/m1/');
    expect(normalizeRouteSource('/messages//')).toBe('/messages/');
    expect(normalizeRouteSource('/*')).toBe('/');
    expect(normalizeRouteSource('/')).toBe('/');
  });

  it('matches by prefix, ignoring case, never as a glob', () => {
    expect(sourceMatches('/messages/modules/m1*', '/messages/modules/m1/outputs/o')).toBe(true);
    expect(sourceMatches('/messages/modules/m1*', '/messages/modules/m10')).toBe(false);
    expect(sourceMatches('/Messages/Modules/*', '/messages/modules/x')).toBe(true);
    expect(sourceMatches('/messages/modules/*/outputs/o1', '/messages/modules/m1/outputs/o1')).toBe(false);
    const matcher = compileSourceMatcher('/messages/*');
    expect([matcher('/messages'), matcher('/twinChangeNotifications')]).toEqual([true, false]);
  });

  it('derives the source edgeHub gives a message', () => {
    expect(messageSourceFromSystemProperties({ messageType: 'TwinChangeNotification', connectionModuleId: 'm' })).toBe('/twinChangeNotifications');
    expect(messageSourceFromSystemProperties({ connectionModuleId: 'm', outputName: 'o' })).toBe('/messages/modules/m/outputs/o');
    expect(messageSourceFromSystemProperties({ connectionDeviceId: 'd' })).toBe('/messages');
  });
});

describe('sinks', () => {
  it('accepts $upstream in any case and nothing else', () => {
    expect(checkSystemEndpoint('$UpStream')).toEqual({ accepted: true, target: { kind: 'upstream' } });
    expect(checkSystemEndpoint('$upstream2')).toMatchObject({ accepted: false, reason: expect.stringMatching(/only knows the system endpoint \$upstream/) });
  });

  it('splits BrokeredEndpoint addresses the way EndpointFactory does', () => {
    expect(checkFunctionEndpoint('brokeredendpoint', '  /modules/m/inputs/i/  ')).toEqual({ accepted: true, target: { kind: 'module', moduleId: 'm', input: 'i' } });
    expect(checkFunctionEndpoint('BrokeredEndpoint', '/a/b/c/d')).toEqual({ accepted: true, target: { kind: 'module', moduleId: 'b', input: 'd' } });
    expect(checkFunctionEndpoint('BrokeredEndpoint', '/modules/m/inputs')).toMatchObject({ accepted: false, reason: expect.stringMatching(/four segments/) });
    expect(checkFunctionEndpoint('Endpoint', '/modules/m/inputs/i')).toMatchObject({ accepted: false });
  });
});
