// Findings inside a createOptions string are placed in the chunk that holds them, on the
// character they point at, whether the options' text is plain JSON (the one-pass locator), has
// duplicate keys, or is read only leniently (the full position parser); a manifest of many
// modules is placed through the one chunk that holds its finding.
import { describe, expect, it } from 'vitest';
import type { PendingFinding } from '../../src/findings.js';
import { explainInvalidJson, joinCreateOptions, type JoinedCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { parseSource, type ParsedSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';

/** A manifest-like file of one module per options text, each cut into chunks of `size` characters. */
function fileWith(optionsTexts: readonly string[], size: number): string {
  const modules = optionsTexts.map((options, index) => {
    const chunks: Record<string, string> = {};
    for (let at = 0, chunk = 0; at < options.length; at += size, chunk++) chunks[chunk === 0 ? 'createOptions' : `createOptions${String(chunk).padStart(2, '0')}`] = options.slice(at, at + size);
    return `    "m${index}": {\n      "settings": ${JSON.stringify(chunks, null, 2).replace(/\n/g, '\n      ')}\n    }`;
  });
  return `{\n  "modules": {\n${modules.join(',\n')}\n  }\n}\n`;
}

async function load(text: string): Promise<{ source: ParsedSource; options: JoinedCreateOptions[] }> {
  const parsed = await parseSource({ file: 'm.json', text });
  if (!parsed.ok) throw new Error('fixture must parse');
  const modules = (parsed.source.value as { modules: Record<string, { settings: Record<string, unknown> }> }).modules;
  const options: JoinedCreateOptions[] = [];
  for (const [name, module] of Object.entries(modules)) {
    const joined = joinCreateOptions(module.settings, `/modules/${name}/settings`)!;
    await explainInvalidJson(joined);
    options.push(joined);
  }
  return { source: parsed.source, options };
}

function finding(pointer: string, extra: Partial<PendingFinding> = {}): PendingFinding {
  return { ruleId: 'r', severity: 'warning', message: 'm', pointer, ...extra };
}

function lineColumn(text: string, at: number): { line: number; column: number } {
  const before = text.slice(0, at);
  return { line: before.split('\n').length, column: at - before.lastIndexOf('\n') };
}

/** Line and column of the `occurrence`-th (0-based) place `needle` is written in the text. */
function placeOf(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let at = -1;
  for (let seen = 0; seen <= occurrence; seen++) at = text.indexOf(needle, at + 1);
  if (at === -1) throw new Error(`${needle} not in the text`);
  return lineColumn(text, at);
}

/** Where the character at `offset` of module `index`'s options text is written in the file, worked out from the cut (fileWith). */
function placeInOptions(text: string, index: number, options: string, offset: number, size: number): { line: number; column: number } {
  const chunk = Math.floor(offset / size);
  const key = chunk === 0 ? 'createOptions' : `createOptions${String(chunk).padStart(2, '0')}`;
  const literal = text.indexOf(`"${key}": "`, text.indexOf(`"m${index}"`)) + `"${key}": `.length;
  const escapedBefore = JSON.stringify(options.slice(chunk * size, offset)).length - 2;
  return lineColumn(text, literal + 1 + escapedBefore);
}

describe('placeFindings inside chunked createOptions', () => {
  it('lands on the value, and on a key, in the chunk that holds it', async () => {
    const options = JSON.stringify({ HostConfig: { Binds: ['/srv/a:/data', '/srv/bbbbbbbb:/other'], Privileged: true } });
    const text = fileWith([options], 20);
    const { source, options: joined } = await load(text);
    expect(joined[0]!.chunks.length).toBeGreaterThan(3);
    const base = '/modules/m0/settings/createOptions';
    const placed = await placeFindings('m.json', text, [finding(`${base}/HostConfig/Binds/1`), finding(`${base}/HostConfig/Privileged`, { anchor: 'key' }), finding(`${base}/HostConfig/Binds/1`, { stringOffset: 6 })], source, joined);
    // The raw text escapes the options' quotes: the value starts at its escaped quote.
    expect(placed[0]).toMatchObject(placeInOptions(text, 0, options, options.indexOf('"/srv/bb'), 20));
    expect(placed[1]).toMatchObject(placeInOptions(text, 0, options, options.indexOf('"Privi'), 20));
    // Offset 6 in the decoded value '/srv/bbbbbbbb:/other' is its second b.
    expect(placed[2]).toMatchObject(placeInOptions(text, 0, options, options.indexOf('"/srv/bb') + 1 + 6, 20));
  });

  it('lands where the last of two equal keys is, as JSON.parse reads them', async () => {
    const options = '{"HostConfig":{"Binds":["/first:/a"]},"HostConfig":{"Binds":["/second:/b"]}}';
    const text = fileWith([options], 25);
    const { source, options: joined } = await load(text);
    const [placed] = await placeFindings('m.json', text, [finding('/modules/m0/settings/createOptions/HostConfig/Binds/0')], source, joined);
    expect(placed).toMatchObject(placeInOptions(text, 0, options, options.indexOf('"/second'), 25));
  });

  it('falls back to the options key where the text is not JSON (read leniently)', async () => {
    const text = fileWith(["{HostConfig: {Binds: ['/a:/b']}}"], 12);
    const { source, options: joined } = await load(text);
    expect(joined[0]!.readLeniently).toBe(true);
    const [placed] = await placeFindings('m.json', text, [finding('/modules/m0/settings/createOptions/HostConfig/Binds/0')], source, joined);
    expect(placed).toMatchObject(placeOf(text, '"createOptions"'));
  });

  it('places a finding in one module of many, among others outside createOptions', async () => {
    const texts = Array.from({ length: 300 }, (_, index) => JSON.stringify({ Env: [`N=${index}`], HostConfig: { Binds: [`/host/${index}:/data`] } }));
    const text = fileWith(texts, 16);
    const { source, options: joined } = await load(text);
    const placed = await placeFindings('m.json', text, [finding('/modules/m217/settings/createOptions/HostConfig/Binds/0'), finding('/modules/m3/settings', { anchor: 'key' }), finding('', { offset: 2 })], source, joined);
    expect(placed[0]).toMatchObject(placeInOptions(text, 217, texts[217]!, texts[217]!.indexOf('"/host/217:'), 16));
    expect(placed[1]).toMatchObject(placeOf(text, '"settings"', 3));
    expect(placed[2]).toMatchObject({ line: 2, column: 1 });
  });
});
