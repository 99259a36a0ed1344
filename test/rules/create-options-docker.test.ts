// Fixtures are built from templates/minimal.json by
// test/fixtures/rules/create-options-docker/make-fixtures.mjs. "Privileged":"true" is how
// Azure/iotedge's e2e deployments write it; "NetworkMode":"Host" comes from
// Azure-Samples/onnxruntime-iot-edge deployment-l4tr32.2.json.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOptionsDocker } from '../../src/rules/create-options-docker.js';
import { DOCKER_VALUE_TYPES } from '../../src/manifest/docker/value-types.js';
import { testRule } from './rule-tester.js';

testRule(createOptionsDocker, {
  valid: [{ file: 'docker-types.json' }, { file: 'placeholders.template.json' }],
  invalid: [
    {
      file: 'coerced-values.json',
      errors: [
        { messageId: 'textBoolean', line: 40, column: 65, messageIncludes: 'Write true without quotes' },
        { messageId: 'textInteger', line: 40, column: 85, messageIncludes: 'Write 536870912 without quotes' },
        { messageId: 'textInteger', line: 40, column: 114, messageIncludes: 'Write -1 without quotes' },
        // The schema also reports this one (as an error) until it accepts integers for HostPort.
        { messageId: 'numberHostPort', line: 40, column: 168, messageIncludes: 'Write "502"' },
        { messageId: 'networkModeCase', line: 40, column: 191, messageIncludes: 'Write "host"' },
        { messageId: 'unknownCapabilitySuggest', line: 40, column: 212, messageIncludes: 'did you mean "NET_ADMIN"?' },
        { messageId: 'unknownCapability', line: 40, column: 256, messageIncludes: '"EVERYTHING"' },
        { messageId: 'textBoolean', line: 40, column: 368, messageIncludes: '`ReadOnly`' },
        { messageId: 'textInteger', line: 40, column: 396, messageIncludes: '`StopTimeout`' },
      ],
    },
    {
      file: 'coerced-values.template.json',
      errors: [
        { messageId: 'textBoolean', line: 42, column: 33, messageIncludes: 'Write false without quotes' },
        { messageId: 'networkModeCase', line: 43, column: 34, messageIncludes: 'Write "azure-iot-edge"' },
        { messageId: 'textInteger', line: 46, column: 30 },
      ],
    },
  ],
});

describe('docker value types', () => {
  // The table in src/rules/docker-value-types.ts mirrors the schema's text-or-typed fields.
  it('lists every [boolean|integer, string] field of schemas/create-options.schema.json, and HostPort', () => {
    const schema = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'schemas', 'create-options.schema.json'), 'utf8'));
    const found: Record<string, string> = {};
    const resolve = (node: any): any => (node && node.$ref ? resolve(schema.definitions[node.$ref.split('/').pop()]) : node);
    const walk = (raw: any, path: string[]): void => {
      const node = resolve(raw);
      if (!node || typeof node !== 'object') return;
      if (Array.isArray(node.type) && node.type.length === 2 && node.type.includes('string')) found[path.join('/')] = node.type.find((type: string) => type !== 'string');
      if (path[path.length - 1] === 'HostPort') found[path.join('/')] = 'string';
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, [...path, key]);
      for (const child of Object.values(node.patternProperties ?? {})) walk(child, [...path, '*']);
      if (node.additionalProperties && typeof node.additionalProperties === 'object') walk(node.additionalProperties, [...path, '*']);
      if (node.items && typeof node.items === 'object') walk(node.items, [...path, '#']);
      for (const child of [...(node.anyOf ?? []), ...(node.oneOf ?? []), ...(node.allOf ?? [])]) walk(child, path);
    };
    walk(schema, []);
    expect(DOCKER_VALUE_TYPES).toEqual(found);
  });
});
