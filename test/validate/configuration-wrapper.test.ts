// The IoT Hub Configuration wrapper ({"id", "schemaVersion", "labels", "content", …}) as the
// service SDK serialises it: unset fields come out as null, and nothing reads them when the
// content is applied. Shaped on Azure-Samples/iot-edge-deployment-engine
// manifests/AutomaticDeployment/automatic2.json ("schemaVersion": null, service-written etag,
// time stamps and systemMetrics).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateSource } from '../../src/validate/validate-source.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'validate');

async function findingsOf(name: string) {
  const file = join(FIXTURES, name);
  return (await validateSource({ file, text: readFileSync(file, 'utf8') })).findings;
}

describe('the Configuration wrapper', () => {
  it('accepts null for the fields the service SDK leaves unset', async () => {
    expect(await findingsOf('configuration-wrapper-nulls.json')).toEqual([]);
  });

  it('still reports a field of the wrong type', async () => {
    const findings = await findingsOf('configuration-wrapper-wrong-types.json');
    expect(findings.map((f) => [f.ruleId, f.severity, f.pointer, f.message])).toEqual([
      ['schema', 'error', '/schemaVersion', '`schemaVersion` must be a string or null (got number 1)'],
      ['schema', 'error', '/labels', '`labels` must be an object or null (got string "prod")'],
    ]);
  });
});
