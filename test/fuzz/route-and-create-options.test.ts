// Issue 16, "Bad input": route and createOptions strings, random and mutated: the parser never
// throws unhandled and stays linear in time. Time is counted as work, never read from a clock:
//   - routes: token visits of both parsers (route and condition) plus ANTLR-style lookahead steps
//     (work-counters.ts), against the condition's token count;
//   - createOptions: characters examined while a text JSON.parse refuses is explained (the
//     Newtonsoft.Json-like reader, the depth scan, the error explainer), against the text's
//     length; JSON.parse itself is native and linear.
// Injected per run (CI): 400 conditions (grammar-shaped with mistakes, mutated by character edits,
// random text) each parsed, compiled and evaluated, and wrapped in a route; 60 well-formed
// conditions repeated n and 2n times (joined and nested); 250 createOptions texts (JSON, Docker-
// shaped options with secrets, Newtonsoft departures, character edits, nesting of 99 to 100,000
// levels, random text), each read alone and in 512-character chunks; 80 of them repeated and
// nested n and 2n times; and 60 of them linted in a real manifest. EDGEWISE_FUZZ_RUNS=N runs N times as many; EDGEWISE_FUZZ_SEED=S another seed.
// Checked: no throw anywhere; every syntax error points inside the text; work per token at most
// WORK_PER_TOKEN (plus the lookahead budget), and doubling a well-formed condition at most
// doubles its work (10% slack); createOptions characters examined at most CHARS_PER_CHAR per
// character of text, and doubling a text at most doubles them (10% slack).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { explainInvalidJson, joinCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { lintSource } from '../../src/lint/lint-source.js';
import { RULES } from '../../src/rules/index.js';
import { compileCondition, evaluateCondition, lex, parseCondition, parseRoute } from '../../src/routes/index.js';
import { LookaheadBudget } from '../../src/routes/ll-predictor.js';
import { condition } from '../hardening/manifest-mutations.js';
import { countingText, countRouteWork } from './support/work-counters.js';

const MULTIPLIER = Math.max(1, Math.floor(Number(process.env.EDGEWISE_FUZZ_RUNS ?? '1')) || 1);
const SEED = Number(process.env.EDGEWISE_FUZZ_SEED ?? '20261208');
const runs = (count: number) => ({
  numRuns: count * MULTIPLIER,
  seed: SEED,
  endOnFailure: true,
});

/** Token visits per token a parse may spend outside the lookahead budget (both parsers, retries included). */
const WORK_PER_TOKEN = 12;
/** Characters examined per character of a createOptions text, JSON.parse included (about 6.6 at most seen: unquoted names nested 99 deep). */
const CHARS_PER_CHAR = 8;

// ---------------------------------------------------------------------------------------------
// Conditions and routes

/** The mistakes people make by hand, and edits no person would make. */
const characterEdit = fc.record({
  at: fc.noBias(fc.nat()),
  kind: fc.constantFrom('delete', 'insert', 'replace', 'missing )', 'extra )', '==', 'cut'),
  text: fc.oneof(fc.constantFrom('(', ')', "'", '"', '[', ']', '.', ',', '$', '@', ' ', 'AND', 'NOT', '\u0000', '\ud800', '😀', '\\'), fc.string({ maxLength: 3, unit: 'binary' })),
});
type CharacterEdit = typeof characterEdit extends fc.Arbitrary<infer T> ? T : never;

function applyEdit(text: string, edit: CharacterEdit): string {
  const at = edit.at % (text.length + 1);
  switch (edit.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + 1);
    case 'insert':
      return text.slice(0, at) + edit.text + text.slice(at);
    case 'replace':
      return text.slice(0, at) + edit.text + text.slice(at + 1);
    case 'missing )': {
      const close = text.lastIndexOf(')', at);
      return close === -1 ? text : text.slice(0, close) + text.slice(close + 1);
    }
    case 'extra )':
      return `${text.slice(0, at)})${text.slice(at)}`;
    case '==':
      return text.replace(' = ', ' == ');
    case 'cut':
      return text.slice(0, at);
    default:
      return text;
  }
}

const mutated = (base: fc.Arbitrary<string>): fc.Arbitrary<string> => fc.tuple(base, fc.array(characterEdit, { minLength: 1, maxLength: 4 })).map(([text, edits]) => edits.reduce(applyEdit, text));

/** Conditions as people write them, joined at random, then mutated. */
const realistic = fc
  .array(
    fc.constantFrom(
      "temperature > 30 AND $connectionModuleId = 'sensor'",
      'is_defined($body.machine.pressure) AND $body.machine.pressure > 100',
      "starts_with($connectionDeviceId, 'line3') OR contains(status, 'critical')",
      "NOT (as_number(level) >= 5) AND upper(zone) <> 'EAST'",
      '$body.readings[0].value < -1.5e3 OR length(sensorId) = 8',
      "$contentType = 'application/json' AND $contentEncoding = 'utf-8'",
      "alert = true AND (deviceType = 'thermostat' OR deviceType = 'hvac')",
    ),
    { minLength: 1, maxLength: 6 },
  )
  .chain((parts) => fc.constantFrom(' AND ', ' OR ').map((joiner) => parts.map((part) => `(${part})`).join(joiner)));

const conditionText: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: condition },
  { weight: 3, arbitrary: mutated(condition) },
  { weight: 2, arbitrary: mutated(realistic) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60, unit: 'binary' }) },
);

const SOURCES = ['/messages/*', '/messages/modules/sensor/outputs/*', '/twinChangeNotifications', '/messages/modules/*', '/messages/modules/sensor/outputs/temperature'];
const SINKS = ['$upstream', 'BrokeredEndpoint("/modules/filter/inputs/input1")', 'BrokeredEndpoint("/modules/filter/inputs/")', 'BrokeredEndpoint(', 'nowhere'];

const routeText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.tuple(fc.constantFrom(...SOURCES), conditionText, fc.constantFrom(...SINKS)).map(([source, where, sink]) => `FROM ${source} WHERE ${where} INTO ${sink}`),
  },
  {
    weight: 2,
    arbitrary: mutated(fc.tuple(fc.constantFrom(...SOURCES), realistic, fc.constantFrom(...SINKS)).map(([source, where, sink]) => `SELECT * FROM ${source} WHERE ${where} INTO ${sink}`)),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);

const message = fc.record({
  appProperties: fc.dictionary(
    fc.constantFrom('temperature', 'status', 'level', 'zone', 'alert', 'deviceType', 'sensorId', 'messageType'),
    fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null), fc.integer().map(String)),
  ),
  systemProperties: fc.dictionary(
    fc.constantFrom('connectionDeviceId', 'connectionModuleId', 'contentType', 'contentEncoding', 'messageId'),
    fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('application/json', 'utf-8', 'utf-16')),
  ),
  body: fc.oneof(
    fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value) ?? ''),
    fc.string({ maxLength: 40, unit: 'binary' }),
    fc.constant(
      JSON.stringify({
        machine: { pressure: 120 },
        readings: [{ value: -2000 }],
        temperature: 31,
        status: 'critical',
      }),
    ),
  ),
});

function tokensOf(text: string): number {
  return lex(text).tokens.length;
}

/** The work allowed for a text of `tokens` tokens: visits per token, plus the lookahead budget. */
function allowedWork(tokens: number): number {
  return WORK_PER_TOKEN * tokens + LookaheadBudget.limit(tokens);
}

function expectInside(error: { offset: number; length: number }, text: string, offset = 0): void {
  expect(error.offset, text).toBeGreaterThanOrEqual(offset);
  expect(error.offset + error.length, text).toBeLessThanOrEqual(offset + text.length + '<EOF>'.length);
}

describe('route conditions and routes, random and mutated', () => {
  it('parse, compile and evaluate without throwing, with work linear in the tokens', () => {
    let worst = { ratio: 0, text: '' };
    fc.assert(
      fc.property(conditionText, fc.array(message, { minLength: 1, maxLength: 3 }), (text, messages) => {
        const counted = countRouteWork(() => parseCondition(text));
        const parsed = counted.result;
        if (!parsed.ok) expectInside(parsed.error, text);
        const tokens = tokensOf(text);
        const work = counted.work.tokenVisits + counted.work.lookaheadSteps;
        expect(work, text).toBeLessThanOrEqual(allowedWork(tokens));
        if (tokens >= 20 && counted.work.tokenVisits / tokens > worst.ratio) worst = { ratio: counted.work.tokenVisits / tokens, text };
        const compiled = compileCondition(text);
        if (!compiled.ok) return;
        for (const each of messages) evaluateCondition(compiled.condition, each);
      }),
      runs(400),
    );
    console.log(`route conditions of 20 tokens or more: at most ${worst.ratio.toFixed(2)} token visits per token (bound ${WORK_PER_TOKEN}), for ${JSON.stringify(worst.text.slice(0, 120))}`);
  });

  it('routes parse without throwing, with work linear in the tokens, and errors inside the text', () => {
    fc.assert(
      fc.property(routeText, (text) => {
        const counted = countRouteWork(() => parseRoute(text));
        if (!counted.result.ok) expectInside(counted.result.error, text);
        expect(counted.work.tokenVisits + counted.work.lookaheadSteps, text).toBeLessThanOrEqual(allowedWork(tokensOf(text)));
      }),
      runs(400),
    );
  });

  it('doubling a well-formed condition, joined or nested, at most doubles the work', () => {
    const work = (text: string): number => {
      const { work } = countRouteWork(() => parseCondition(text));
      return work.tokenVisits + work.lookaheadSteps;
    };
    const wellFormed = fc.oneof(condition, realistic).filter((text) => {
      const parsed = parseCondition(text);
      return parsed.ok && parsed.trailingText === undefined;
    });
    const shapes: [string, (text: string, n: number) => string][] = [
      ['joined', (text, n) => Array.from({ length: n }, () => `(${text})`).join(' AND ')],
      ['nested', (text, n) => `${'NOT ('.repeat(n)}${text}${')'.repeat(n)}`],
      ['in calls', (text, n) => `${'upper('.repeat(n)}${text}${')'.repeat(n)}`],
    ];
    fc.assert(
      fc.property(wellFormed, fc.constantFrom(...shapes), fc.constantFrom(10, 40, 120), (text, [name, shape], n) => {
        const once = work(shape(text, n));
        const twice = work(shape(text, 2 * n));
        expect(twice, `${name} × ${n}: ${text}`).toBeLessThanOrEqual(2.2 * once + 50);
      }),
      runs(60),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// createOptions strings

/** Options shaped like Docker's, with the values people put in them (secrets in Env included). */
const dockerOptions = fc.record(
  {
    Env: fc.array(fc.oneof(fc.constantFrom('DB_PASSWORD=Qz7pW2xR9', 'HostName=h;DeviceId=d;SharedAccessKey=a2V5', 'A=', '=B', 'C'), fc.string({ maxLength: 12 })), { maxLength: 4 }),
    HostConfig: fc.record(
      {
        Binds: fc.array(
          fc.oneof(
            fc.constantFrom('/srv/data:/data', '/srv:/data:ro,z', 'vol:/data:nocopy', 'C:\\data:C:\\in', '\\\\.\\pipe\\docker_engine:\\\\.\\pipe\\docker_engine', ':::', '/a::'),
            fc.string({ maxLength: 20 }),
          ),
          { maxLength: 4 },
        ),
        PortBindings: fc.dictionary(
          fc.oneof(fc.constantFrom('80/tcp', '8883/tcp', '443', '1-65535/udp', '/tcp'), fc.string({ maxLength: 8 })),
          fc.array(
            fc.record({
              HostPort: fc.oneof(fc.constantFrom('80', '0', '65536', '-1', ''), fc.string({ maxLength: 6 })),
            }),
            { maxLength: 2 },
          ),
          { maxKeys: 3 },
        ),
        Privileged: fc.boolean(),
        Devices: fc.array(
          fc.record({
            PathOnHost: fc.constantFrom('/dev/ttyUSB0', '', 'x'),
            PathInContainer: fc.constantFrom('/dev/ttyUSB0', 'rel'),
            CgroupPermissions: fc.constantFrom('rwm', 'x', ''),
          }),
          { maxLength: 2 },
        ),
        Mounts: fc.array(
          fc.record({
            Type: fc.constantFrom('bind', 'volume', 'tmpfs', 'nope'),
            Source: fc.string({ maxLength: 10 }),
            Target: fc.constantFrom('/data', '', 'rel'),
          }),
          { maxLength: 2 },
        ),
        CapAdd: fc.array(fc.constantFrom('NET_ADMIN', 'SYS_ADMIN', 'ALL', 'cap_net_raw', ''), { maxLength: 3 }),
      },
      { requiredKeys: [] },
    ),
    ExposedPorts: fc.dictionary(fc.constantFrom('80/tcp', '5000', 'x/y'), fc.constant({}), { maxKeys: 2 }),
    Image: fc.constantFrom('mcr.microsoft.com/azureiotedge-agent:1.4', 'UPPER:tag', 'a@sha256:zz', ''),
    __proto__: fc.constant({ Privileged: true }),
  },
  { requiredKeys: [] },
);

/** What Newtonsoft.Json reads but JSON does not: unquoted names, single quotes, comments, trailing commas. */
function newtonsoftize(text: string, kinds: readonly string[]): string {
  let result = text;
  if (kinds.includes('unquoted')) result = result.replace(/"([A-Za-z_$][\w$]*)":/g, '$1:');
  if (kinds.includes('single')) result = result.replace(/"([^"\\]*)"/g, "'$1'");
  if (kinds.includes('comment')) result = result.replace(/,/g, ', /* c */').replace(/^\{/, '{ // line\n');
  if (kinds.includes('trailing')) result = result.replace(/\}$/, ',}');
  return result;
}

const DEPTHS = [99, 100, 101, 1_000, 10_000, 100_000];
const deep = fc
  .tuple(fc.constantFrom(...DEPTHS), fc.constantFrom(['[', ']'], ['{"a":', '}'], ["{'a':", '}'], ['{a:', '}']), fc.boolean())
  .map(([depth, [open, close], closed]) => `{"HostConfig":${open!.repeat(depth)}1${closed ? close!.repeat(depth) : ''}${closed ? '}' : ''}`);

const createOptionsText: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 2,
    arbitrary: dockerOptions.map((options) => JSON.stringify(options)),
  },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        dockerOptions,
        fc.subarray(['unquoted', 'single', 'comment', 'trailing'], {
          minLength: 1,
        }),
      )
      .map(([options, kinds]) => newtonsoftize(JSON.stringify(options), kinds)),
  },
  {
    weight: 2,
    arbitrary: mutated(dockerOptions.map((options) => JSON.stringify(options))),
  },
  {
    weight: 1,
    arbitrary: fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value) ?? 'null'),
  },
  { weight: 1, arbitrary: deep },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ maxLength: 80, unit: 'binary' }),
      fc.constantFrom('', ' ', 'null', '{', '{"a":"\\u12"}', '{"a":1}/*', "{'a':'\\q'}", '{"\ud800":1}', '\ufeff{}'),
    ),
  },
);

/** The text in chunks as IoT Hub takes it (at most 100 of 512 characters), or whole when longer. */
function chunkSettings(text: string): Record<string, string> {
  if (text.length > 512 * 100) return { createOptions: text };
  const settings: Record<string, string> = {};
  for (let start = 0, index = 0; start < text.length || index === 0; start += 512, index++)
    settings[index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`] = text.slice(start, start + 512);
  return settings;
}

/**
 * Characters examined while a createOptions text is read as edgewise reads it: JSON.parse (native,
 * charged the length once), then, for text it refuses, explainInvalidJson on a counting view of
 * the text (the Newtonsoft.Json-like reader, the depth scan, the error explainer).
 */
async function charsExamined(text: string): Promise<number> {
  const counter = { chars: text.length };
  const joined = joinCreateOptions({ createOptions: text }, '/settings');
  if (joined?.invalidJson)
    await explainInvalidJson({
      ...joined,
      joined: countingText(joined.joined, counter),
      problems: [],
    });
  return counter.chars;
}

/** MS Learn's standard deployment (see test/hardening/linear-cost.test.ts), one module's createOptions replaced. */
const BASE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json'), 'utf8');
function manifestWith(settings: Record<string, string>): string {
  const manifest = JSON.parse(BASE);
  const module = manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.SimulatedTemperatureSensor;
  module.settings = { image: module.settings.image, ...settings };
  return JSON.stringify(manifest, null, 2);
}

describe('createOptions strings, random and mutated', () => {
  it('are joined and read without throwing, whole and in chunks, examining each character a bounded number of times', async () => {
    let worst = { ratio: 0, text: '' };
    await fc.assert(
      fc.asyncProperty(createOptionsText, async (text) => {
        for (const settings of [{ createOptions: text }, chunkSettings(text)]) {
          const joined = joinCreateOptions(settings, '/settings');
          if (joined) await explainInvalidJson(joined);
          for (const problem of joined?.problems ?? []) expect(problem.ruleId).toMatch(/^create-options-(json|chunks)$/);
        }
        const examined = await charsExamined(text);
        expect(examined, text.slice(0, 200)).toBeLessThanOrEqual(CHARS_PER_CHAR * text.length + 100);
        if (text.length >= 100 && examined / text.length > worst.ratio) worst = { ratio: examined / text.length, text };
      }),
      runs(250),
    );
    console.log(
      `createOptions of 100 characters or more: at most ${worst.ratio.toFixed(2)} characters examined per character (bound ${CHARS_PER_CHAR}), for ${JSON.stringify(worst.text.slice(0, 120))}`,
    );
  });

  it('doubling a createOptions text, repeated or nested, at most doubles the characters examined', async () => {
    const shapes: [string, (text: string, n: number) => string][] = [
      ['repeated', (text, n) => `{"Env": [${Array.from({ length: n }, () => text).join(', ')}]}`],
      ['repeated, one mistake at the end', (text, n) => `{Env: [${Array.from({ length: n }, () => text).join(', ')}], /* end */`],
      ['nested', (text, n) => `${'{"a": '.repeat(n)}${text}${'}'.repeat(n)}`],
    ];
    await fc.assert(
      fc.asyncProperty(
        createOptionsText.filter((text) => text.length < 2_000),
        fc.constantFrom(...shapes),
        fc.constantFrom(5, 20, 45),
        async (text, [name, shape], n) => {
          const once = await charsExamined(shape(text, n));
          const twice = await charsExamined(shape(text, 2 * n));
          expect(twice, `${name} × ${n}: ${text.slice(0, 200)}`).toBeLessThanOrEqual(2.2 * once + 100);
        },
      ),
      runs(80),
    );
  });

  it('lint a manifest holding them without throwing: every problem is a finding', async () => {
    await fc.assert(
      fc.asyncProperty(createOptionsText, fc.boolean(), async (text, chunked) => {
        const linted = await lintSource(
          {
            file: 'deployment.json',
            text: manifestWith(chunked ? chunkSettings(text) : { createOptions: text }),
          },
          { rules: RULES, config: { rules: {} } },
        );
        for (const finding of linted.findings) expect(finding.ruleId, finding.message).not.toBe('internal');
      }),
      runs(60),
    );
    expect(Object.prototype).not.toHaveProperty('Privileged');
  });
});
