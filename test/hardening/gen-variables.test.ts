// Issue 9, item 3 (gen): `${toString}`, `${constructor}` and `${hasOwnProperty}` crashed gen
// (the environment's inherited functions were taken for values), and `${__proto__}` silently
// became "". Variables are looked up as own entries only: those names are unset unless the
// environment or .env sets them, and then they are variables like any other.
// The template is iotedgedev's deployment.template.json layout with the simulated sensor.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGen } from '../../src/cli/commands/gen.js';
import { loadVariables } from '../../src/generate/variables.js';

const SOLUTION = join(import.meta.dirname, '..', 'fixtures', 'hardening', 'gen-variables');
const INHERITED = ['toString', 'constructor', 'hasOwnProperty', '__proto__'];

async function gen(options: Parameters<typeof runGen>[1]) {
  return runGen(['deployment.template.json'], { cwd: SOLUTION, output: '-', ...options });
}

const sensorEnv = (stdout: string): Record<string, { value: unknown }> => JSON.parse(stdout).modulesContent.$edgeAgent['properties.desired'].modules.SimulatedTemperatureSensor.env;

describe('gen with variables named like inherited properties', () => {
  it('reports each as unset, with its place, instead of crashing or writing ""', async () => {
    const result = await gen({ environment: { GREETING: 'hello' }, env: 'inherited-names.env' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    for (const name of INHERITED) expect(result.stderr).toContain(`\${${name}} is not set; set ${name} in the environment or inherited-names.env`);
    expect(result.stderr).toContain('$__proto__ is not set');
    expect(result.stderr).not.toContain('internal error');
    expect(result.stderr).not.toContain('[native code]');
  });

  it('keeps them as warnings with --allow-unresolved, never as ""', async () => {
    const result = await gen({ environment: {}, env: 'inherited-names.env', allowUnresolved: true });
    expect(result.exitCode).toBe(0);
    const env = sensorEnv(result.stdout);
    expect(env.SENSOR_LABEL!.value).toBe('${toString}');
    expect(env.SENSOR_LINE!.value).toBe('${__proto__}');
    expect(env.SENSOR_CELL!.value).toBe('$__proto__');
  });

  it('interpolates them in .env as unknown names, which are empty, not as functions', async () => {
    const result = await gen({ environment: {}, env: 'inherited-names.env', allowUnresolved: true });
    expect(sensorEnv(result.stdout).SENSOR_GREETING!.value).toBe('hello-');
  });

  it('uses them when the environment sets them', async () => {
    const environment = { toString: 'label', constructor: 'owner', hasOwnProperty: 'site', GREETING: 'hi' } as Record<string, string>;
    Object.defineProperty(environment, '__proto__', { value: 'line', enumerable: true });
    const result = await gen({ environment });
    expect(result.exitCode).toBe(0);
    expect(Object.fromEntries(Object.entries(sensorEnv(result.stdout)).map(([name, entry]) => [name, entry.value]))).toEqual({
      SENSOR_LABEL: 'label',
      SENSOR_OWNER: 'owner',
      SENSOR_SITE: 'site',
      SENSOR_LINE: 'line',
      SENSOR_CELL: 'line',
      SENSOR_GREETING: 'hi',
    });
  });

  it('uses them when .env sets them, there and in later .env lines', async () => {
    const result = await gen({ environment: {}, env: 'own-names.env' });
    expect(result.exitCode).toBe(0);
    expect(sensorEnv(result.stdout).SENSOR_LABEL!.value).toBe('label-from-dotenv');
    expect(sensorEnv(result.stdout).SENSOR_LINE!.value).toBe('line-from-dotenv');
    expect(sensorEnv(result.stdout).SENSOR_GREETING!.value).toBe('hello-line-from-dotenv');
  });
});

describe('loadVariables', () => {
  it('answers only own string entries of the environment', () => {
    const variables = loadVariables({ PATH: '/usr/bin', NOT_A_STRING: 5 as unknown as string }, SOLUTION);
    for (const name of [...INHERITED, 'valueOf', 'NOT_A_STRING']) expect(variables.get(name)).toBeUndefined();
    expect(variables.get('PATH')).toBe('/usr/bin');
    expect(variables.setting('toString')).toBeUndefined();
  });
});
