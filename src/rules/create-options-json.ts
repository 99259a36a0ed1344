// Joined createOptions that is not JSON, or not a JSON object. Found while normalizing (the
// joined text is parsed once for every stage, join-create-options.ts) and handed over as data,
// where text that only edgeAgent's lenient Newtonsoft.Json reads (unquoted keys, single quotes,
// comments, trailing commas) is a warning and text it cannot read an error. The check reports
// those, and adds one note per module whose options could not be read, naming the checks that
// therefore did not look at them.
import { appendPointer } from '../manifest/json-pointer.js';
import { isUnread } from '../manifest/docker/module-create-options.js';
import { withLoadedReports, type Rule, type RuleReport } from './rule.js';

/**
 * The checks that read a module's parsed createOptions (test/rules/create-options-json.test.ts
 * keeps the list in step with the rules); `schema` stands for the Docker schema check.
 */
export const CHECKS_READING_CREATE_OPTIONS = [
  'schema',
  'create-options-docker',
  'bind-path',
  'host-devices',
  'fill-in-text',
  'privileged',
  'plaintext-secret',
  'storage-folder-bind',
  'storage-permissions',
] as const;

export const createOptionsJson: Rule = {
  meta: {
    id: 'create-options-json',
    defaultSeverity: 'error',
    description:
      'The joined createOptions text must be a JSON object. Text edgeAgent cannot read is an error (the module is not deployed); text only its lenient Newtonsoft.Json reads (unquoted keys, single quotes, comments, trailing commas) is a warning, as other tools refuse it.',
    fixable: false,
    docs: {
      sources: [
        'iotedge edge-util JsonEx.cs (chunks joined, then parsed)',
        'iotedge edge-agent DockerConfig.cs GetCreateOptions: JsonConvert.DeserializeObject<CreateContainerParameters> with default settings',
        'Newtonsoft.Json JsonTextReader.cs: unquoted and single-quoted names, single-quoted strings, comments, trailing commas',
        'Docker Engine API: ContainerCreate takes a JSON object',
      ],
    },
    messages: {
      invalid: 'createOptions is not valid JSON: {{reason}}. It must be a JSON object serialised into a string',
      notPortable:
        "createOptions is not portable JSON: {{departures}}. edgeAgent reads it (Newtonsoft.Json is lenient), so the container is created, but tools that read createOptions as JSON (iotedgehubdev, JSON.parse, Python's json) refuse it; {{fix}}",
      notAnObject: 'createOptions must be a JSON object such as {"HostConfig":{…}} (got {{got}})',
      tooDeep: "createOptions nests deeper than {{limit}} levels, which edgewise refuses (Docker's create options nest about 5 levels); flatten it",
      checksSkipped: '{{module}}\'s createOptions could not be read, so these checks did not look at them: {{checks}}. Fix the createOptions error first, then lint again',
    },
  },
  check(manifest, loaded) {
    const reports: RuleReport[] = [];
    // By settings pointer, once: a find per options made this rule quadratic in the modules.
    const modules = new Map(manifest.modules.map((entry) => [appendPointer(entry.pointer, 'settings'), entry]));
    for (const options of manifest.createOptions) {
      if (!isUnread(manifest, options)) continue;
      const module = modules.get(options.settingsPointer);
      if (!module) continue;
      // At the module's key: the error itself sits in the createOptions text.
      reports.push({ messageId: 'checksSkipped', data: { module: module.name, checks: CHECKS_READING_CREATE_OPTIONS.join(', ') }, pointer: module.pointer, anchor: 'key', severity: 'info' });
    }
    return withLoadedReports(loaded, 'create-options-json', reports);
  },
};
