// createOptions chunks that IoT Hub refuses or that the usual tools do not produce.
// Facts (FACTS.md §1): IoT Hub refuses twin string values over 4096 bytes; edgeAgent reads at
// most 100 chunks, createOptions to createOptions99 (edge-util JsonEx.cs); iotedgedev and the
// VS Code extension write chunks of 512 characters and refuse more than 8 of them (4 KB).
// Gaps between chunks are found while joining them (join-create-options.ts), which hands them
// over as data for this rule to report.
import type { JoinedCreateOptions } from '../manifest/docker/join-create-options.js';
import { appendPointer, getAtPointer, ownValue } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { CHUNK_SIZE, chunkCreateOptions, MAX_CHUNKS } from '../manifest/docker/chunk-create-options.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { canRewrite } from '../manifest/docker/module-create-options.js';
import { withLoadedReports, type Fix, type Rule, type RuleReport } from './rule.js';

const MAX_CHUNK_BYTES = 4096;
const TOOL_MAX_CHUNKS = 8;
const BEYOND_LAST_CHUNK = /^createoptions(\d{3,})$/i;

/** Re-serialising and re-splitting into 512-character chunks, when that is safe. */
function rechunkFix(manifest: NormalizedManifest, options: JoinedCreateOptions): Fix | undefined {
  if (options.value === undefined || !canRewrite(manifest, options)) return undefined;
  if (Object.keys(chunkCreateOptions(options.value)).length > MAX_CHUNKS) return undefined;
  return { edits: [{ op: 'set', pointer: options.pointer, value: options.value }] };
}

export const createOptionsChunks: Rule = {
  meta: {
    id: 'create-options-chunks',
    defaultSeverity: 'error',
    description: 'createOptions chunks must fit IoT Hub (4096 bytes each, at most 100 chunks) and should follow the tools (512 characters each, at most 8 chunks).',
    fixable: true,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-hub/iot-hub-devguide-device-twins#device-twin-size (string values up to 4 KB)',
        'iotedge edge-util/src/Microsoft.Azure.Devices.Edge.Util/JsonEx.cs: createOptions, createOptions01 … createOptions99, joined in order',
        'iotedgedev iotedgedev/deploymentmanifest.py and vscode-azure-iot-edge: 512-character chunks, at most 8 ("maximum size of createOptions is 4K")',
      ],
    },
    messages: {
      gap: '`{{key}}` comes without `{{missing}}`; edgeAgent refuses createOptions chunks with a gap. Number the chunks contiguously from createOptions, createOptions01…',
      chunkTooLarge: '`{{key}}` is {{bytes}} bytes, but IoT Hub refuses twin string values over 4096 bytes, so the deployment is rejected; split createOptions into 512-character chunks (createOptions, createOptions01…)',
      tooManyChunks: '`{{key}}` would be chunk {{number}}, but edgeAgent reads at most 100 chunks (createOptions to createOptions99) and ignores it; shorten the createOptions',
      chunkOverToolSize: '`{{key}}` is {{length}} characters; iotedgedev and the VS Code extension write chunks of at most 512 characters, which keeps each under IoT Hub\'s limit. Re-split createOptions into 512-character chunks',
      overToolCountSpaces: 'createOptions is split into {{count}} chunks, and iotedgedev and the VS Code extension refuse more than 8 (4 KB); written as compact JSON it needs only {{compact}}, so re-serialise it without spaces and re-split it into 512-character chunks',
      overToolCount: 'createOptions is split into {{count}} chunks; iotedgedev and the VS Code extension refuse more than 8 (4 KB), so this module cannot be regenerated with them. Shorten the options, for example by moving settings into env',
    },
  },
  check(manifest, loaded) {
    const reports: RuleReport[] = [];
    for (const options of manifest.createOptions) {
      if (options.form !== 'string') continue;
      // The fix re-serialises the options: work done only for the few that get a finding.
      let cachedFix: Fix | undefined | null = null;
      const fixFor = () => (cachedFix === null ? (cachedFix = rechunkFix(manifest, options)) : cachedFix);
      // The settings are read once; each chunk is one of their keys (chunk.pointer = settings + key).
      const settings = getAtPointer(manifest.value, options.settingsPointer);
      for (const chunk of options.chunks) {
        const text = ownValue(settings, chunk.key);
        if (typeof text !== 'string') continue; // the schema reports it
        // A UTF-16 unit is at most 3 UTF-8 bytes: short chunks need no count.
        const bytes = text.length * 3 <= MAX_CHUNK_BYTES ? 0 : Buffer.byteLength(text, 'utf8');
        if (bytes > MAX_CHUNK_BYTES) {
          reports.push({ messageId: 'chunkTooLarge', data: { key: chunk.key, bytes }, pointer: chunk.pointer, anchor: 'key', severity: 'error', fix: fixFor() });
        } else if (text.length > CHUNK_SIZE) {
          reports.push({ messageId: 'chunkOverToolSize', data: { key: chunk.key, length: text.length }, pointer: chunk.pointer, anchor: 'key', severity: 'warning', fix: fixFor() });
        }
      }
      const beyond = isPlainObject(settings) ? Object.keys(settings).find((key) => BEYOND_LAST_CHUNK.test(key)) : undefined;
      if (beyond !== undefined || options.chunks.length > MAX_CHUNKS) {
        const key = beyond ?? options.chunks[MAX_CHUNKS]!.key;
        const number = beyond ? Number(BEYOND_LAST_CHUNK.exec(beyond)![1]) + 1 : MAX_CHUNKS + 1;
        reports.push({ messageId: 'tooManyChunks', data: { key, number }, pointer: appendPointer(options.settingsPointer, key), anchor: 'key', severity: 'error' });
      } else if (options.chunks.length > TOOL_MAX_CHUNKS) {
        const compact = options.value === undefined ? undefined : Object.keys(chunkCreateOptions(options.value)).length;
        const ninth = options.chunks[TOOL_MAX_CHUNKS]!;
        const data = { count: options.chunks.length };
        const fix = fixFor();
        if (compact !== undefined && compact <= TOOL_MAX_CHUNKS && fix) {
          reports.push({ messageId: 'overToolCountSpaces', data: { ...data, compact }, pointer: ninth.pointer, anchor: 'key', severity: 'warning', fix });
        } else {
          reports.push({ messageId: 'overToolCount', data, pointer: ninth.pointer, anchor: 'key', severity: 'warning' });
        }
      }
    }
    return withLoadedReports(loaded, 'create-options-chunks', reports);
  },
};
