// Deeply nested WHERE conditions through the whole lint path (parse, compile, every route rule):
// up to the nesting limit they are checked like any other condition, with no stack overflow;
// past it, one finding says so. The manifest is the bundled sensor-pipeline template (modelled
// on Microsoft's SimulatedTemperatureSensor tutorial), with a condition on the route upstream.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintSource } from '../../src/lint/lint-source.js';
import { RULES } from '../../src/rules/index.js';
import { compileCondition, evaluateCondition, parseRoute } from '../../src/routes/index.js';

const MANIFEST = join(import.meta.dirname, '..', 'fixtures', 'routes', 'sensor-pipeline.json');
const ROUTE_HEAD = 'FROM /messages/modules/filtermodule/outputs/output1 WHERE ';
const nested = (depth: number) => `${'('.repeat(depth)}$body.machine.temperature > 30${')'.repeat(depth)}`;

async function lintWithCondition(condition: string) {
  const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8'));
  manifest.modulesContent.$edgeHub['properties.desired'].routes.filterToUpstream.route = `${ROUTE_HEAD}${condition} INTO $upstream`;
  return (await lintSource({ file: 'deployment.json', text: JSON.stringify(manifest, null, 2) }, { rules: RULES, config: { rules: {} } })).findings;
}

describe('a condition nested 1,000 levels deep', () => {
  it('parses, compiles and evaluates', () => {
    expect(parseRoute(`${ROUTE_HEAD}${nested(1000)} INTO $upstream`).ok).toBe(true);
    const compiled = compileCondition(nested(1000), { bodyQuery: true });
    if (!compiled.ok) throw new Error(compiled.errors[0]!.message);
    const message = {
      appProperties: {},
      systemProperties: { contentType: 'application/json', contentEncoding: 'utf-8' },
      body: new TextEncoder().encode('{"machine":{"temperature":31}}'),
    };
    expect(evaluateCondition(compiled.condition, message)).toBe(true);
  });

  it('lints without a route finding or a stack overflow', async () => {
    const findings = await lintWithCondition(nested(1000));
    expect(findings.filter((f) => f.ruleId.startsWith('route') || /deep|stack/i.test(f.message))).toEqual([]);
  });
});

describe('a condition nested 1,001 levels deep', () => {
  it('is refused by the route parser at the parenthesis past the limit', () => {
    const result = parseRoute(`${ROUTE_HEAD}${nested(1001)} INTO $upstream`);
    expect(result).toMatchObject({ ok: false, error: { kind: 'too-complex', offset: ROUTE_HEAD.length + 1000, length: 1 } });
  });

  it('gets one route-syntax finding that gives the limit and what to do', async () => {
    const findings = await lintWithCondition(nested(1001));
    const about = findings.filter((f) => f.ruleId === 'route-syntax');
    expect(about).toHaveLength(1);
    expect(about[0]).toMatchObject({ severity: 'error', pointer: '/modulesContent/$edgeHub/properties.desired/routes/filterToUpstream/route' });
    expect(about[0]!.message).toMatch(/route "filterToUpstream" does not parse: The condition nests more than 1000 levels deep .* Flatten it/);
  });
});
