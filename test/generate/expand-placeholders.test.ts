// Text-level placeholder expansion for JSON templates (iotedgedev's os.path.expandvars, fixed).
import { describe, expect, it } from 'vitest';
import { expandJsonText, type PlaceholderResolver } from '../../src/generate/expand-placeholders.js';
import { generatedName } from '../../src/generate/output-name.js';
import { moduleImageTag, parseImagePlaceholder } from '../../src/generate/module-images.js';

const from = (values: Record<string, string>): PlaceholderResolver => (token) => (token.name in values ? { value: values[token.name]! } : { missing: 'is not set' });

describe('expandJsonText', () => {
  it('escapes values inside strings and inserts them raw outside', () => {
    const text = '{"password": "${PASSWORD}", "ttl": ${TTL}, "path": "$LOG_DIR"}';
    const expanded = expandJsonText(text, from({ PASSWORD: 'pa"ss\\word', TTL: '7200', LOG_DIR: 'C:\\logs' }));
    expect(JSON.parse(expanded.text)).toEqual({ password: 'pa"ss\\word', ttl: 7200, path: 'C:\\logs' });
    expect(expanded.unresolved).toEqual([]);
  });

  it("never touches IoT Edge's own $names or $$ literals, and follows strings across escaped quotes", () => {
    const text = '{"$edgeHub": {"route": "FROM /messages/* INTO $upstream", "pw": "a$$SECRET", "q": "\\"$HOME\\""}}';
    const expanded = expandJsonText(text, from({ edgeHub: 'x', upstream: 'y', SECRET: 'z', HOME: '/root' }));
    expect(JSON.parse(expanded.text)).toEqual({ $edgeHub: { route: 'FROM /messages/* INTO $upstream', pw: 'a$$SECRET', q: '"/root"' } });
  });

  it('reports unresolved placeholders at their offsets and maps offsets back', () => {
    const text = '{"a": "${LONG_VALUE}", "b": "${MISSING}", "c": $ALSO_MISSING}';
    const expanded = expandJsonText(text, from({ LONG_VALUE: 'a much longer value than the token' }));
    expect(expanded.unresolved.map((entry) => [entry.token.text, entry.offset])).toEqual([
      ['${MISSING}', text.indexOf('${MISSING}')],
      ['$ALSO_MISSING', text.indexOf('$ALSO_MISSING')],
    ]);
    const inExpanded = expanded.text.indexOf('"b"');
    expect(expanded.toOriginal(inExpanded)).toBe(text.indexOf('"b"'));
    expect(expanded.toOriginal(expanded.text.indexOf('much'))).toBe(text.indexOf('${LONG_VALUE}'));
  });

  it('does not let an unclosed ${ run past its string to a later }', () => {
    const text = '{"image": "${REGISTRY/sensor:1.0", "env": {"LEVEL": {"value": "${LEVEL}"}}}';
    const expanded = expandJsonText(text, from({ LEVEL: 'debug' }));
    expect(expanded.unresolved).toEqual([]);
    expect(JSON.parse(expanded.text)).toEqual({ image: '${REGISTRY/sensor:1.0', env: { LEVEL: { value: 'debug' } } });
  });
});

describe('image placeholders and names (iotedgedev modules.py, utility.py)', () => {
  it('parses MODULES and MODULEDIR placeholders', () => {
    expect(parseImagePlaceholder('MODULES.filtermodule')).toEqual({ kind: 'MODULES', folder: 'filtermodule', suffix: undefined });
    expect(parseImagePlaceholder('MODULES.filtermodule.amd64.debug')).toEqual({ kind: 'MODULES', folder: 'filtermodule', suffix: 'amd64.debug' });
    expect(parseImagePlaceholder('MODULEDIR<./module1>.debug')).toEqual({ kind: 'MODULEDIR', folder: './module1', suffix: 'debug' });
    expect(parseImagePlaceholder('ACR_ADDRESS')).toBeUndefined();
  });

  it('builds <repository lowercased>:<version>[-CONTAINER_TAG]-<platform>', () => {
    const module = { file: 'module.json', repository: 'Contoso.azurecr.io/FilterModule', version: '0.0.1', platforms: ['amd64'] };
    expect(moduleImageTag(module, 'amd64', '')).toBe('contoso.azurecr.io/filtermodule:0.0.1-amd64');
    expect(moduleImageTag(module, 'amd64', 'ci42')).toBe('contoso.azurecr.io/filtermodule:0.0.1-ci42-amd64');
  });

  it('names outputs <name>.<platform>.json', () => {
    expect(generatedName('deployment.template.json', 'amd64')).toBe('deployment.amd64.json');
    expect(generatedName('solution/deployment.debug.template.json', 'arm32v7')).toBe('deployment.debug.arm32v7.json');
    expect(generatedName('layered.json', 'amd64')).toBe('layered.amd64.json');
    expect(generatedName('deployment.template.yaml', 'amd64')).toBe('deployment.amd64.json');
  });
});
