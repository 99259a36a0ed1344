// More user modules than one device can hold: IoT Hub allows 50 module identities per device
// (FACTS.md §1). In practice the 32 KB limit of the $edgeAgent twin, which holds every module's
// definition, is reached first, at about 29 typical modules (see the twin-size rule).
import { appendPointer } from '../manifest/json-pointer.js';
import { desiredOf } from '../manifest/manifest-views.js';
import type { Rule } from './rule.js';

const MAX_MODULES = 50;

export const moduleCount: Rule = {
  meta: {
    id: 'module-count',
    defaultSeverity: 'warning',
    description: 'More than 50 user modules in one deployment, beyond what IoT Hub allows for one device.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-module-twins (up to 50 module identities per device)',
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins (32 KB of desired properties; the $edgeAgent twin holds every module\'s definition)',
      ],
    },
    messages: {
      tooMany: 'this deployment defines {{count}} user modules, more than the {{max}} module identities IoT Hub allows per device; long before that, the 32 KB $edgeAgent twin usually fills up (at about 29 modules), so spread the modules over several devices',
    },
  },
  check(manifest) {
    const users = manifest.modules.filter((module) => module.kind === 'user');
    if (users.length <= MAX_MODULES) return [];
    const desired = desiredOf(manifest, '$edgeAgent');
    const pointer = desired && 'modules' in desired.value ? appendPointer(desired.pointer, 'modules') : appendPointer(manifest.located.pointer, '$edgeAgent');
    return [{ messageId: 'tooMany', data: { count: users.length, max: MAX_MODULES }, pointer, anchor: 'key' }];
  },
};
