// The shapes come from public manifests: `${MODULES.x}` and `$CONTAINER_REGISTRY_*` (iotedgedev
// templates), `__REGISTRY_NAME.azurecr.io` / `__REGISTRY_PASSWORD` (Azure ML IoT Edge samples),
// `<Container_Registry>` (Azure/iotedge e2e_deployment_files), `{{address}}` (a deployment
// posted by a test script), `{YOUR_LOG_ANALYTICS_WORKSPACE_ID}` (Azure/iotedge metrics-collector
// docs), `#{…}#` and `$(…)` (Azure Pipelines release variables).
import { describe, expect, it } from 'vitest';
import { findPlaceholders, holdsPlaceholder, isPlaceholderOnly, type PlaceholderKind } from '../../src/manifest/placeholders.js';

const found = (text: string, shell = false) => findPlaceholders(text, { shell }).map((p) => `${p.kind} ${p.text}@${p.offset}`);

describe('findPlaceholders', () => {
  it.each<[string, PlaceholderKind, string]>([
    ['${CONTAINER_REGISTRY_ADDRESS}/filter:1.0', 'dollar-brace', '${CONTAINER_REGISTRY_ADDRESS}'],
    ['${MODULES.filter.amd64}', 'dollar-brace', '${MODULES.filter.amd64}'],
    ['$CONTAINER_REGISTRY_PASSWORD', 'dollar', '$CONTAINER_REGISTRY_PASSWORD'],
    ['lora:$lora_version', 'dollar', '$lora_version'],
    ['$(ContainerRegistry)/filter:$(Build.BuildNumber)', 'azure-pipelines', '$(ContainerRegistry)'],
    ['${{ parameters.registry }}/filter:1.0', 'azure-pipelines', '${{ parameters.registry }}'],
    ['#{ACR_ADDRESS}#/filter:1.0', 'replace-tokens', '#{ACR_ADDRESS}#'],
    ['#{ Build.BuildId }#', 'replace-tokens', '#{ Build.BuildId }#'],
    ['#ACR_PASSWORD#', 'replace-tokens', '#ACR_PASSWORD#'],
    ['__REGISTRY__/filter:__TAG__', 'tokenizer', '__REGISTRY__'],
    ['__REGISTRY_NAME.azurecr.io', 'tokenizer', '__REGISTRY_NAME'],
    ['{{image_url}}', 'mustache', '{{image_url}}'],
    ['{{ address }}', 'mustache', '{{ address }}'],
    // iotedgedev's own scaffold template routes to "%MODULE%" until a module is added.
    ['BrokeredEndpoint("/modules/%MODULE%/inputs/input1")', 'percent', '%MODULE%'],
    ['<Container_Registry>/microsoft/azureiotedge-agent', 'pipeline-token', '<Container_Registry>'],
    ['<Build.BuildNumber>', 'pipeline-token', '<Build.BuildNumber>'],
    ['<YOUR_IOT_HUB_CONNECTION_STRING>', 'fill-in', '<YOUR_IOT_HUB_CONNECTION_STRING>'],
    ['<your-registry>.azurecr.io/filter:1.0', 'fill-in', '<your-registry>'],
    ['{YOUR_LOG_ANALYTICS_WORKSPACE_ID}', 'fill-in', '{YOUR_LOG_ANALYTICS_WORKSPACE_ID}'],
  ])('%s is %s', (text, kind, token) => {
    expect(findPlaceholders(text)[0]).toEqual({ text: token, offset: text.indexOf(token), kind });
  });

  it('finds every placeholder of a string, with offsets', () => {
    expect(found('$(registry)/filter:#{TAG}#-__ARCH__')).toEqual(['azure-pipelines $(registry)@0', 'replace-tokens #{TAG}#@19', 'tokenizer __ARCH__@27']);
  });

  it.each([
    // IoT Edge's own names and route language.
    '$edgeHub',
    'FROM /messages/* WHERE $connectionModuleId = "x" INTO $upstream',
    '$upstream:443/azureiotedge-hub:1.4',
    // Escaped or literal dollars.
    'pa$$WORD',
    '$$(registry)',
    '$5.00',
    // Docker Go templates in createOptions (LogConfig tag, labels).
    '{{.ImageName}}/{{.Name}}/{{.ID}}',
    '{{ .Name }}',
    '{{json .Config.Labels}}',
    // Python and prose.
    '__init__',
    '__main__.py',
    'from __future__ import x',
    'a # comment # b',
    'issue #12#',
    // Passwords with # and _ inside.
    'p#ss#word',
    'Pa#SS#w0rd',
    'my__SECRET__key',
    'x__ABC',
    // Shell substitution with arguments is not an Azure Pipelines macro.
    '$(cat /run/secrets/key)',
    // JSON text.
    '{"HostConfig":{"Binds":["/data:/data"]}}',
    // Percent signs in text and lower-case words between them.
    '100% CPU, 50% memory',
    'a %b% c',
    'CPU%MEM%',
    // Prose in angle brackets is fill-in text, not a placeholder.
    '<Use the key of your Log Analytics workspace>',
  ])('%s holds no placeholder', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('leaves $VAR, ${VAR} and $(…) to the shell when the string is a shell command', () => {
    expect(found('exec /app --port $PORT --url ${URL} --id $(hostname)', true)).toEqual([]);
    expect(found('exec /app --key #{KEY}# --hub <HUB_NAME>', true)).toEqual(['replace-tokens #{KEY}#@16', 'pipeline-token <HUB_NAME>@30']);
  });

  it('says whether a string is only a placeholder', () => {
    expect(isPlaceholderOnly(' ${MODULES.filter} ')).toBe(true);
    expect(isPlaceholderOnly('#{ACR_PASSWORD}#')).toBe(true);
    expect(isPlaceholderOnly('${ACR}/filter:1.0')).toBe(false);
    expect(isPlaceholderOnly('filter')).toBe(false);
  });

  it('keeps holdsPlaceholder for callers that only ask yes or no', () => {
    expect(holdsPlaceholder('__ACR_PASSWORD__')).toBe(true);
    expect(holdsPlaceholder('hunter2')).toBe(false);
  });
});
