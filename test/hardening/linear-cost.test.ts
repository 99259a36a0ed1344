// Issue 9, "Time that grows faster than the input": every command must be linear in its input.
// Timing is too noisy to test, so these tests count work instead: reads of the lists that used to
// be scanned once per module or per finding, and characters examined in the text, at n and 10n.
// Linear work grows about 10 times; the quadratic code this replaced grew about 100 times. The
// manifests are MS Learn's standard deployment (test/fixtures/merge/docs-base.json) with its
// simulated sensor module repeated, as in a fleet-wide deployment; the wall-clock figures for the
// issue's own inputs are in bench/scaling/RESULTS.md (node bench/scaling/run.mjs).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { applyEdits, modify } from 'jsonc-parser';
import { jsonToYaml } from '../../src/manifest/json-to-yaml.js';
import type { PendingFinding } from '../../src/findings.js';
import { applyFixesToText } from '../../src/lint/apply-fixes.js';
import type { JoinedCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { JsonLocator } from '../../src/manifest/json-locator.js';
import { parseJsonTree } from '../../src/manifest/json-source.js';
import { rawOffsetInJsonString } from '../../src/manifest/json-string-offsets.js';
import { JsonStringOffsetTable } from '../../src/manifest/json-string-offset-table.js';
import { replaceJsonValues, type ValueReplacement } from '../../src/manifest/json-value-replacements.js';
import { normalizeManifest, type NormalizedManifest } from '../../src/manifest/normalize-manifest.js';
import { parseSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';
import { RULES } from '../../src/rules/index.js';
import { countingText } from '../fuzz/support/work-counters.js';

const BASE = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json'), 'utf8'));

/** Growth of the work from n to 10n: about 10 when linear, about 100 when quadratic. */
const LINEAR_GROWTH = 20;

/** The base deployment with `count` copies of its sensor module; every tenth has createOptions edgeAgent cannot read. */
function fleetManifest(count: number): string {
  const manifest = structuredClone(BASE);
  const desired = manifest.content.modulesContent.$edgeAgent['properties.desired'];
  const sensor = desired.modules.SimulatedTemperatureSensor;
  desired.modules = {};
  for (let i = 0; i < count; i++) {
    const createOptions = i % 10 === 9 ? '{"HostConfig": {' : JSON.stringify({ HostConfig: { Binds: [`/srv/sensor${i}:/data`], Privileged: i % 2 === 0 } });
    desired.modules[`sensor${i}`] = { ...sensor, env: { Location: { value: `line ${i}` } }, settings: { ...sensor.settings, createOptions } };
  }
  return JSON.stringify(manifest, null, 2);
}

async function normalized(text: string): Promise<NormalizedManifest> {
  const parsed = await parseSource({ file: 'deployment.json', text });
  if (!parsed.ok) throw new Error(parsed.finding.message);
  return normalizeManifest(parsed.source.value, { file: parsed.source.file });
}

/** A view of `list` that counts reads of its elements (find, for…of, forEach, [i] all read them). */
function counted<T>(list: T[], counter: { reads: number }): T[] {
  return new Proxy(list, {
    get(target, key, receiver) {
      if (typeof key === 'string' && /^\d+$/.test(key)) counter.reads++;
      return Reflect.get(target, key, receiver);
    },
  });
}

describe('rules read each module and its createOptions a bounded number of times', () => {
  const small = fleetManifest(100);
  const large = fleetManifest(1000);

  async function listReads(text: string, ruleId: string): Promise<number> {
    const manifest = await normalized(text);
    const counter = { reads: 0 };
    const view: NormalizedManifest = { ...manifest, modules: counted(manifest.modules, counter), createOptions: counted(manifest.createOptions, counter) };
    RULES.find((rule) => rule.meta.id === ruleId)!.check(view);
    return counter.reads;
  }

  it.each(RULES.map((rule) => rule.meta.id))('%s', async (ruleId) => {
    const [few, many] = [await listReads(small, ruleId), await listReads(large, ruleId)];
    expect(many).toBeLessThanOrEqual(LINEAR_GROWTH * Math.max(few, 1));
  });
});

describe('placing findings', () => {
  async function placeOnePerModule(count: number): Promise<{ reads: number; lines: number[] }> {
    const text = fleetManifest(count);
    const parsed = await parseSource({ file: 'deployment.json', text });
    if (!parsed.ok) throw new Error(parsed.finding.message);
    const manifest = await normalized(text);
    const readable = manifest.createOptions.filter((options) => options.value !== undefined);
    // One finding inside each module's createOptions text, as the createOptions schema reports them.
    const pending: PendingFinding[] = readable.map((options) => ({ ruleId: 'schema', severity: 'error', message: 'm', pointer: `${options.pointer}/HostConfig/Binds/0`, anchor: 'value' }));
    const counter = { reads: 0 };
    const placed = await placeFindings('deployment.json', text, pending, parsed.source, counted(manifest.createOptions, counter));
    return { reads: counter.reads, lines: placed.map((finding) => finding.line) };
  }

  it('reads the createOptions list a bounded number of times per finding', async () => {
    const few = await placeOnePerModule(100);
    const many = await placeOnePerModule(1000);
    expect(many.reads).toBeLessThanOrEqual(LINEAR_GROWTH * few.reads);
    // And each finding still lands on its own module's createOptions line.
    expect(new Set(many.lines).size).toBe(many.lines.length);
  });

  /** A createOptions-like string of `count` escaped entries, and `count` offsets spread over it. */
  function longString(count: number): { text: string; offsets: number[] } {
    const value = JSON.stringify({ Env: Array.from({ length: count }, (_, i) => `VAR${i}="x"`) });
    return { text: JSON.stringify({ createOptions: value }), offsets: Array.from({ length: count }, (_, i) => Math.floor((i * value.length) / count)) };
  }

  function examinedByLocator(count: number): number {
    const { text, offsets } = longString(count);
    const counter = { chars: 0 };
    const locator = new JsonLocator(countingText(text, counter), ['/createOptions']);
    for (const offset of offsets) locator.offsetInString('/createOptions', offset);
    return counter.chars;
  }

  function examinedByTree(count: number): number {
    const { text, offsets } = longString(count);
    const counter = { chars: 0 };
    const parsed = parseJsonTree(countingText(text, counter));
    if (!parsed.ok) throw new Error(parsed.error.message);
    for (const offset of offsets) parsed.tree.offsetInString('/createOptions', offset);
    return counter.chars;
  }

  it('maps offsets inside one long string examining each character a bounded number of times (locator)', () => {
    expect(examinedByLocator(3000)).toBeLessThanOrEqual(LINEAR_GROWTH * examinedByLocator(300));
  });

  it('maps offsets inside one long string examining each character a bounded number of times (position tree)', () => {
    expect(examinedByTree(3000)).toBeLessThanOrEqual(LINEAR_GROWTH * examinedByTree(300));
  });

  it('maps every offset as the one-off scan does, escapes included', () => {
    const value = 'a\\"b\\u00e9c\\\\d\\ne';
    const text = `{"k": "${value}", "z": 1}`;
    const table = new JsonStringOffsetTable(text, text.indexOf('"a'));
    for (let offset = -1; offset <= 12; offset++) expect([offset, table.rawOffset(offset)]).toEqual([offset, rawOffsetInJsonString(text, text.indexOf('"a'), offset)]);
  });

  it('looks members up in an object of 3,000 keys without scanning its members per lookup', () => {
    const examined = (count: number): number => {
      const members = Object.fromEntries(Array.from({ length: count }, (_, i) => [`Key${i}`, i]));
      const parsed = parseJsonTree(JSON.stringify({ options: members }));
      if (!parsed.ok) throw new Error(parsed.error.message);
      // Count reads of the members' property list inside the position tree.
      const counter = { reads: 0 };
      const root = (parsed.tree as unknown as { root: { children: { children: { children: unknown[] }[] }[] } }).root;
      const options = root.children[0]!.children[1] as unknown as { children: unknown[] };
      options.children = counted(options.children, counter);
      for (let i = 0; i < count; i++) expect(parsed.tree.locate(`/options/Key${i}`).exact).toBe(true);
      return counter.reads;
    };
    expect(examined(3000)).toBeLessThanOrEqual(LINEAR_GROWTH * examined(300));
  });
});

describe('convert', () => {
  it('writes a list item of 150,000 lines without spreading them into a call', () => {
    const item = Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`k${i}`, i]));
    const text = JSON.stringify({ list: [item] });
    const yaml = jsonToYaml(text, JSON.parse(text)).text;
    expect(yaml.startsWith('list:\n  - k0: 0\n    k1: 1\n')).toBe(true);
    expect(yaml.split('\n')).toHaveLength(150_002);
  });
});

describe('lint --fix: replacing many values of a JSON text', () => {
  /** A fleet manifest and one fix per module, as host-devices and upstream-protocol write them (a scalar each). */
  function fixes(count: number): { text: string; replacements: ValueReplacement[] } {
    const text = fleetManifest(count);
    const replacements: ValueReplacement[] = Array.from({ length: count }, (_, i) => ({
      path: ['content', 'modulesContent', '$edgeAgent', 'properties.desired', 'modules', `sensor${i}`, 'env', 'Location', 'value'],
      value: `hall ${i}`,
    }));
    return { text, replacements };
  }

  it('gives the text that editing one value at a time gives', () => {
    const { text, replacements } = fixes(20);
    const missing: ValueReplacement = { path: ['content', 'modulesContent', '$edgeAgent', 'properties.desired', 'modules', 'sensor1', 'env', 'Added', 'value'], value: 'new' };
    const all = [...replacements, missing, { path: ['content', 'modulesContent', '$edgeHub', 'properties.desired', 'schemaVersion'], value: '1.2' }];
    const batch = replaceJsonValues(text, all)!;
    expect(batch.rest).toEqual([20]); // the missing member is left for an insert
    let oneByOne = text;
    for (const replacement of all.filter((_, index) => index !== 20)) oneByOne = applyEdits(oneByOne, modify(oneByOne, [...replacement.path], replacement.value, { formattingOptions: { insertSpaces: true, tabSize: 2 } }));
    expect(batch.text).toBe(oneByOne);
  });

  it('refuses replacements that do not commute, so the caller keeps their order', () => {
    const { text } = fixes(2);
    const modules = ['content', 'modulesContent', '$edgeAgent', 'properties.desired', 'modules'];
    expect(replaceJsonValues(text, [{ path: [...modules, 'sensor0'], value: 1 }, { path: [...modules, 'sensor0', 'env'], value: 2 }])).toBeUndefined();
    expect(replaceJsonValues(text, [{ path: [...modules, 'sensor0'], value: 1 }, { path: [...modules, 'sensor0'], value: 2 }])).toBeUndefined();
    expect(replaceJsonValues(text, [{ path: [...modules, 'sensor0'], value: 1 }, { path: [...modules, 'sensor01'], value: 2 }])).toBeDefined();
  });

  it('examines each character a bounded number of times', () => {
    const examined = (count: number): number => {
      const { text, replacements } = fixes(count);
      const counter = { chars: 0 };
      replaceJsonValues(countingText(text, counter), replacements);
      return counter.chars;
    };
    expect(examined(1000)).toBeLessThanOrEqual(LINEAR_GROWTH * examined(100));
  });
});

describe('lint --fix: applying the fixes of a pass', () => {
  /** Characters scanned by JSON.parse and by jsonc-parser (which reads through charCodeAt) while applying one scalar fix per module. */
  function scanned(count: number): number {
    const text = fleetManifest(count);
    const edits = Array.from({ length: count }, (_, i) => ({
      op: 'set' as const,
      path: ['content', 'modulesContent', '$edgeAgent', 'properties.desired', 'modules', `sensor${i}`, 'env', 'Location', 'value'],
      value: `hall ${i}`,
    }));
    let chars = 0;
    // Plain replacements rather than vi.spyOn, which would record every one of millions of calls.
    const parse = JSON.parse;
    const charCodeAt = String.prototype.charCodeAt;
    JSON.parse = (source: string, reviver?: never) => ((chars += source.length), parse(source, reviver));
    String.prototype.charCodeAt = function (this: string, at: number) {
      chars++;
      return charCodeAt.call(this, at);
    };
    try {
      applyFixesToText(text, 'json', edits);
    } finally {
      JSON.parse = parse;
      String.prototype.charCodeAt = charCodeAt;
    }
    return chars;
  }

  // apply-fixes.ts replaces every set value of a JSON file in one pass (json-value-replacements.ts).
  it('scans the text a bounded number of times, not once per fix', () => {
    expect(scanned(300)).toBeLessThanOrEqual(LINEAR_GROWTH * scanned(30));
  });
});
