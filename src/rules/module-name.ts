// Module names the schema accepts but IoT Edge reserves. The characters and the 128-character
// limit of module ids and twin keys (FACTS.md §1) are already checked by the schema
// (edge-agent.schema.json#/definitions/moduleName, on modules, layered module keys and
// modulesContent keys), which also refuses `$edgeAgent`/`$edgeHub` as user module names: this
// rule reports those schema findings in the schema's words (its `schema` message) and does not
// check them again. What is left:
// - a user module named edgeAgent or edgeHub: edgeAgent builds one dictionary of user and system
//   modules by name (iotedge DeploymentConfig.GetModuleSet, an ordinal Dictionary), so the
//   duplicate makes the deployment fail; a name differing only in case is not a duplicate there,
//   so it is only a warning, but it is easily mistaken for the system module;
// - a module twin section named edgeAgent/edgeHub without the `$`: it targets a module twin of
//   that name, not the system twin, so its desired properties never reach the runtime.
import { appendPointer } from '../manifest/json-pointer.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { withLoadedReports, type Rule, type RuleReport } from './rule.js';

const SYSTEM = ['edgeAgent', 'edgeHub'];

function systemNameLike(name: string): string | undefined {
  return SYSTEM.find((system) => system.toLowerCase() === name.toLowerCase());
}

export const moduleName: Rule = {
  meta: {
    id: 'module-name',
    defaultSeverity: 'error',
    description: 'A module name reserved by IoT Edge: a user module called edgeAgent or edgeHub, or a twin section named like a system module without its `$`. (Invalid characters and lengths are reported by the schema.)',
    fixable: false,
    docs: {
      sources: [
        'iotedge edge-agent DeploymentConfig.cs: GetModuleSet adds user modules, then edgeHub and edgeAgent, to one Dictionary by name (a duplicate throws)',
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-identity-registry (module ids: up to 128 case-sensitive ASCII letters, digits and - : . + % _ # * ? ! ( ) , = @ ; $ \')',
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins (twin keys exclude control characters, `.`, `$` and space)',
      ],
    },
    messages: {
      schema: '{{description}}',
      reserved: 'user module "{{name}}" has the name of the system module {{system}}; edgeAgent keeps user and system modules in one set by name, so the deployment fails; rename the module',
      reservedCase: 'user module "{{name}}" differs from the system module {{system}} only in case, so it is easily mistaken for the system module in routes, logs and `iotedge list`; rename the module',
      twinWithoutDollar: 'module twin section "{{name}}" looks like the system twin "${{system}}" without its "$", so IoT Hub applies it to a module twin named {{name}} and the runtime never sees it; rename it to "${{system}}"',
    },
  },
  check(manifest, loaded) {
    return withLoadedReports(loaded, 'module-name', ownReports(manifest));
  },
};

function ownReports(manifest: NormalizedManifest): RuleReport[] {
  const reports: RuleReport[] = [];
  for (const module of manifest.modules) {
    if (module.kind !== 'user') continue;
    const system = systemNameLike(module.name);
    if (!system) continue;
    const exact = system === module.name;
    reports.push({ messageId: exact ? 'reserved' : 'reservedCase', data: { name: module.name, system }, pointer: module.pointer, anchor: 'key', severity: exact ? 'error' : 'warning' });
  }
  const content = manifest.located.modulesContent ?? {};
  for (const name of Object.keys(content)) {
    const system = systemNameLike(name);
    if (system) reports.push({ messageId: 'twinWithoutDollar', data: { name, system }, pointer: appendPointer(manifest.located.pointer, name), anchor: 'key', severity: 'warning' });
  }
  return reports;
}
