// The createOptions texts edgeAgent's Newtonsoft.Json reads although JSON.parse refuses them,
// and the ones it refuses too (facts: Newtonsoft.Json JsonTextReader.cs).
import { describe, expect, it } from 'vitest';
import { readLikeNewtonsoft } from '../../src/manifest/newtonsoft-json.js';

describe('readLikeNewtonsoft', () => {
  it.each([
    ['unquoted keys', '{HostConfig: {Privileged: true}}', { HostConfig: { Privileged: true } }, ['unquotedName', 'unquotedName']],
    ['single quotes', "{'Env': ['A=1']}", { Env: ['A=1'] }, ['singleQuotes', 'singleQuotes']],
    ['comments', '{/* options */ "Env": ["A=1"] // env\n}', { Env: ['A=1'] }, ['comment', 'comment']],
    ['trailing commas', '{"Env": ["A=1",], "Cmd": ["x"],}', { Env: ['A=1'], Cmd: ['x'] }, ['trailingComma', 'trailingComma']],
    ['a raw line break in a string', '{"Env": ["A=1\n"]}', { Env: ['A=1\n'] }, ['controlCharacter']],
    ["the escape \\'", '{"Cmd": ["it\\\'s"]}', { Cmd: ["it's"] }, ['escapedApostrophe']],
    ['a no-break space between tokens', '{"Env":\u00a0[]}', { Env: [] }, ['unusualWhitespace']],
  ])('reads %s and says where', (_title, text, value, leniencies) => {
    const read = readLikeNewtonsoft(text);
    expect(read?.value).toEqual(value);
    expect(read?.departures.map((entry) => entry.leniency)).toEqual(leniencies);
  });

  it('gives the offset of each departure in the text', () => {
    const read = readLikeNewtonsoft('{ "HostConfig": {Binds: []} }');
    expect(read?.departures).toEqual([{ leniency: 'unquotedName', offset: 17, text: 'Binds' }]);
  });

  it('reads strict JSON with no departures, as JSON.parse does', () => {
    const text = '{"HostConfig":{"PortBindings":{"502/tcp":[{"HostPort":"502"}]},"Memory":-1.5e3},"__proto__":{"x":null}}';
    const read = readLikeNewtonsoft(text);
    expect(read?.departures).toEqual([]);
    expect(read?.value).toEqual(JSON.parse(text));
    expect(Object.keys(read!.value as object)).toEqual(['HostConfig', '__proto__']);
  });

  it.each([
    ['a missing brace', '{"HostConfig": {}'],
    ['an empty array item', '{"Binds": ["/a:/b",,]}'],
    ['a key with a dash, unquoted', '{k8s-experimental: {}}'],
    ['a comment between a key and its colon', '{"Env" /* x */: []}'],
    ['NaN', '{"Memory": NaN}'],
    ['text after the value', '{} {}'],
    ['an unterminated comment', '{} /* x'],
    ['a bad escape', '{"Cmd": ["\\x"]}'],
    ['nesting past 100 levels', `{"a": ${'['.repeat(100)}${']'.repeat(100)},}`],
  ])('refuses %s, as Newtonsoft.Json does or as edgewise does not model', (_title, text) => {
    expect(readLikeNewtonsoft(text)).toBeUndefined();
  });
});
