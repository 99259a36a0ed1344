// Which route sources can match any message, and which can match a given module's messages.
// Both are checked against sourceMatches (itself held to edgeHub's MessageSourceTest records in
// sources-endpoints.conformance.test.ts) over every source built from a small vocabulary, and
// against the route sources of source-match.json.
import { describe, expect, it } from 'vitest';
import { firstUnmatchableSegment, normalizeRouteSource, sourceIncludesModule, sourceMatches } from '../../src/routes/source-match.js';
import { loadRecords } from './conformance-support.js';

const WORDS = ['messages', 'Modules', 'm1', 'outputs', 'o1', 'output', 'twinChangeNotifications', 'module', '*', 'm1*'];

/** Every source of 1 to `depth` segments over WORDS. */
function sources(depth: number): string[] {
  let level = [''];
  const all: string[] = [];
  for (let d = 0; d < depth; d++) {
    level = level.flatMap((prefix) => WORDS.map((word) => `${prefix}/${word}`));
    all.push(...level);
  }
  return all;
}

/**
 * The sources edgeHub gives messages, with module and output names taken from the route source
 * as edgeHub reads it (a message can only match with those names), plus m1 and a name it does not hold.
 */
function messageSources(routeSource: string): string[] {
  const names = [...new Set(['x', 'm1', ...normalizeRouteSource(routeSource).split('/').filter(Boolean)])];
  return ['/messages', '/twinChangeNotifications', ...names.flatMap((m) => [`/messages/modules/${m}`, ...names.map((o) => `/messages/modules/${m}/outputs/${o}`)])];
}

describe('firstUnmatchableSegment', () => {
  it('never reports a source some message matches, and reports every one none matches', () => {
    for (const source of sources(4)) {
      const matched = messageSources(source).some((message) => sourceMatches(source, message));
      const found = firstUnmatchableSegment(source);
      if (found) expect(matched, source).toBe(false);
      // A '*' left inside the source is route-syntax's to explain, so it is not reported here.
      else if (!/\*[^*]*\//.test(source.replace(/\*+$/, ''))) expect(matched, source).toBe(true);
    }
  });

  it('reports none of the route sources that match in edgeHub\'s MessageSourceTest', () => {
    const records = loadRecords<{ routeSource: string; messageSource: string; matches: boolean; routeSourceKind?: string }>('source-match.json');
    // EvaluatorTest also matches a made-up message source (/invalid/message/path) that edgeHub never assigns.
    const real = (source: string) => /^\/(messages(\/modules\/[^/]+(\/outputs\/[^/]+)?)?|twinChangeNotifications)$/.test(source);
    const matching = records.filter(({ record }) => record.matches && record.routeSourceKind !== 'builtin' && real(record.messageSource)).map(({ record }) => record.routeSource);
    expect(matching.length).toBeGreaterThan(20);
    for (const source of matching) expect(firstUnmatchableSegment(source), source).toBeUndefined();
  });

  it('names the segment, where it is, and what edgeHub has there', () => {
    expect(firstUnmatchableSegment('/messages/modules/m1/output/o1')).toEqual({ index: 3, segment: 'output', offset: 21, expected: ['outputs'] });
    expect(firstUnmatchableSegment('/twinChangeNotifications/x')).toEqual({ index: 1, segment: 'x', offset: 25, expected: [] });
    expect(firstUnmatchableSegment('/device/*')).toEqual({ index: 0, segment: 'device', offset: 1, expected: ['messages', 'twinChangeNotifications'] });
    expect(firstUnmatchableSegment('/messages/modules/m1/outputs')).toBeUndefined(); // matches by prefix
    expect(firstUnmatchableSegment('/messages/modules/m1/outputs/o1/more')).toBeUndefined(); // output names are not known to exclude '/'
  });
});

describe('sourceIncludesModule', () => {
  it('agrees with sourceMatches on the messages the module can send', () => {
    for (const source of sources(4)) {
      const matched = messageSources(source).filter((message) => /^\/messages\/modules\/m1(\/|$)/.test(message)).some((message) => sourceMatches(source, message));
      expect(sourceIncludesModule(source, 'm1'), source).toBe(matched);
    }
  });
});
