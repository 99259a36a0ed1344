// IoT Hub's twin limits, checked on every twin section of the deployment ($edgeAgent, $edgeHub
// and each module's properties.desired): 32 KB of desired properties, string values of at most
// 4 KB, keys of at most 1 KB, objects nested at most 10 deep (FACTS.md §1). IoT Hub refuses a
// deployment that breaks one. The $edgeAgent twin is the one that fills up: every module's
// image, env and createOptions live there.
import { appendPointer, prototypeKeyIn, setAtPath } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { Rule, RuleReport } from './rule.js';
import { twinStringBytes, twinValueBytes } from '../manifest/twin-json-size.js';

const DESIRED = 'properties.desired';
const MAX_DESIRED_BYTES = 32 * 1024;
const WARN_DESIRED_BYTES = 28 * 1024;
const MAX_STRING_BYTES = 4096;
const MAX_KEY_BYTES = 1024;
/** Objects may sit 10 keys below the desired root (the docs' example: one → … → ten → {property}). */
const MAX_DEPTH = 10;
const CREATE_OPTIONS = /^createOptions(\d\d)?$/i;

/** In a template, object createOptions become compact JSON text when the manifest is generated. */
function asGenerated(value: unknown, template: boolean): unknown {
  if (!template || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => asGenerated(item, template));
  return Object.fromEntries(
    Object.entries(value).map(([key, child]) => [key, key === 'createOptions' && isPlainObject(child) ? JSON.stringify(child) : asGenerated(child, template)]),
  );
}

function shortKey(key: string): string {
  return key.length > 40 ? `${key.slice(0, 40)}…` : key;
}

export const twinSize: Rule = {
  meta: {
    id: 'twin-size',
    defaultSeverity: 'error',
    description: 'A twin section over IoT Hub\'s limits: desired properties over 32 KB (warning from 28 KB), a string value over 4 KB, a key over 1 KB, or objects nested deeper than 10 levels.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins ("Tags and properties format" and "Device twin size": 32 KB desired properties, 4 KB strings, 1 KB keys, depth 10; how the size is counted)',
        'iotedge edge-util JsonEx.cs and iotedgedev: createOptions is split into 512-character chunks because of the twin string limit',
      ],
    },
    messages: {
      tooLarge: 'the desired properties of {{twin}} come to about {{size}} bytes as IoT Hub counts them, over its 32 KB limit (32768 bytes), so the deployment is refused; shorten long values such as createOptions, env and routes, or move bulky configuration out of the twin',
      nearLimit: 'the desired properties of {{twin}} come to about {{size}} bytes as IoT Hub counts them, close to its 32 KB limit (32768 bytes); the next module or setting may get the deployment refused, so shorten createOptions, env or routes now',
      longString: '`{{name}}` in {{twin}} is {{size}} bytes long, over IoT Hub\'s 4 KB limit (4096 bytes) for a twin string value, so the deployment is refused; shorten it or move it out of the twin',
      longKey: 'the key "{{key}}" in {{twin}} is {{size}} bytes long, over IoT Hub\'s 1 KB limit (1024 bytes) for a twin key, so the deployment is refused; use a shorter key',
      tooDeep: '`{{name}}` in {{twin}} is an object {{depth}} levels below properties.desired, deeper than the 10 levels IoT Hub allows, so the deployment is refused; flatten it, or store the inner part as a JSON string',
    },
  },
  check(manifest) {
    const content = manifest.located.modulesContent;
    if (!content) return [];
    const template = manifest.flavour === 'template';
    const reports: RuleReport[] = [];

    // One path stack, pushed and popped, and pointers built only for reports: this walk visits
    // every value of every twin, and allocating per node costs more than the checks. The walk
    // also counts the twin's size as twin-json-size.ts does (key plus value, `$` keys left out),
    // so a full desired document is walked once, not once to check and once to count.
    // The first `contextOnly` entries name where a layered key points but are not pointer steps.
    const path: string[] = [];
    let contextOnly = 0;
    const pointerAt = (base: string) => path.slice(contextOnly).reduce((pointer, segment) => appendPointer(pointer, segment), base);
    const walk = (node: unknown, base: string, depth: number, twin: string): number => {
      if (typeof node === 'string') {
        // A UTF-16 unit is at most 3 UTF-8 bytes: only long strings need counting.
        const size = node.length * 3 <= MAX_STRING_BYTES ? 0 : Buffer.byteLength(node, 'utf8');
        const key = path[path.length - 1] ?? '';
        // An oversized createOptions chunk is the create-options-chunks rule's (it can re-split it).
        if (size > MAX_STRING_BYTES && !(twin === '$edgeAgent' && CREATE_OPTIONS.test(key) && path[path.length - 2] === 'settings')) {
          reports.push({ messageId: 'longString', data: { name: key, twin, size }, pointer: pointerAt(base) });
        }
        return twinStringBytes(node);
      }
      if (node === null || typeof node !== 'object') return twinValueBytes(node);
      if (depth > MAX_DEPTH) {
        reports.push({ messageId: 'tooDeep', data: { name: path[path.length - 1] ?? '', twin, depth }, pointer: pointerAt(base), anchor: 'key' });
        return twinValueBytes(asGenerated(node, template));
      }
      let bytes = 0;
      if (Array.isArray(node)) {
        for (let index = 0; index < node.length; index++) {
          path.push(String(index));
          bytes += walk(node[index], base, depth + 1, twin);
          path.pop();
        }
        return bytes;
      }
      for (const key in node) {
        const child = (node as Record<string, unknown>)[key];
        path.push(key);
        const keySize = key.length * 3 <= MAX_KEY_BYTES ? key.length : Buffer.byteLength(key, 'utf8');
        if (keySize > MAX_KEY_BYTES) reports.push({ messageId: 'longKey', data: { key: shortKey(key), twin, size: keySize }, pointer: pointerAt(base), anchor: 'key' });
        // In a template, generation turns object createOptions into text: counted as that text.
        const generated = template && key === 'createOptions' && isPlainObject(child);
        const childBytes = generated ? twinStringBytes(JSON.stringify(child)) : walk(child, base, depth + 1, twin);
        if (!key.startsWith('$')) bytes += twinStringBytes(key) + childBytes;
        path.pop();
      }
      return bytes;
    };

    for (const [twin, section] of Object.entries(content)) {
      if (!isPlainObject(section)) continue;
      const twinPointer = appendPointer(manifest.located.pointer, twin);
      const desired = section[DESIRED];
      let size: number;
      let sizePointer: string;
      if (isPlainObject(desired)) {
        sizePointer = appendPointer(twinPointer, DESIRED);
        size = walk(desired, sizePointer, 0, twin);
      } else {
        // A layer: flattened "properties.desired.a.b" keys, merged by IoT Hub into one document,
        // which is counted once merged (a later key may replace part of an earlier one).
        const document: Record<string, unknown> = {};
        sizePointer = twinPointer;
        for (const [key, value] of Object.entries(section)) {
          if (!key.startsWith(`${DESIRED}.`)) continue;
          const keyPath = key.slice(DESIRED.length + 1).split('.');
          // A key naming __proto__ would write into Object.prototype (merge refuses such a layer).
          if (prototypeKeyIn(keyPath) === undefined) setAtPath(document, keyPath, value, { arrays: 'replace' });
          path.push(...keyPath);
          contextOnly = keyPath.length;
          walk(value, appendPointer(twinPointer, key), keyPath.length, twin);
          path.length = 0;
          contextOnly = 0;
        }
        size = twinValueBytes(asGenerated(document, template));
      }
      if (size > MAX_DESIRED_BYTES) reports.push({ messageId: 'tooLarge', data: { twin, size }, pointer: sizePointer, anchor: 'key', severity: 'error' });
      else if (size > WARN_DESIRED_BYTES) reports.push({ messageId: 'nearLimit', data: { twin, size }, pointer: sizePointer, anchor: 'key', severity: 'warning' });
    }
    return reports;
  },
};
