// Where an editor holding only our schema and `edgewise validate` part ways by design. Each
// check names one reason, and applies to one place at a time: anything else the two disagree on
// fails the test. The reasons come from reviewing every disagreement over the corpus.
import type { ErrorObject } from 'ajv';
import { lookUp, pointerSegments } from './editor-places.js';

/** iotedgedev's ${VAR} and $VAR, and fill-in text such as <YOUR LOCAL STORAGE BLOB CONTAINER NAME>. */
const PLACEHOLDER = /\$\{[^}]*\}|\$[A-Z][A-Z0-9_]*|<[^<>]+>/;

/** Why an editor marks a place that edgewise does not, when that is by design. */
export function editorOnlyReason(pointer: string, error: ErrorObject, document: unknown, flavour: 'manifest' | 'template'): string | undefined {
  const key = pointerSegments(pointer).pop() ?? '';
  const { value } = lookUp(document, pointer);
  if (flavour === 'template' && (PLACEHOLDER.test(key) || (typeof value === 'string' && PLACEHOLDER.test(value)))) {
    return 'a placeholder in a template: `edgewise gen` fills it in before anything deploys, so edgewise judges the filled-in manifest, while the schema sees the raw text';
  }
  if (error.keyword === 'additionalProperties' && pointer.includes('/k8s-experimental/') && differsOnlyInCase(key, error.parentSchema)) {
    return "a k8s-experimental name in another case: IoT Edge on Kubernetes matches these names without regard to case and Microsoft's docs write them in camelCase, so edgewise folds them without a note; JSON Schema has no case-insensitive keys";
  }
  return undefined;
}

/** Why edgewise reports a place that the editor does not mark, when that is by design. */
export function edgewiseOnlyReason(finding: { ruleId: string; severity: string; pointer: string }): string | undefined {
  if (finding.ruleId === 'schema' && finding.severity === 'warning' && /(^|\/)moduleContent$/.test(finding.pointer)) {
    return 'the legacy `moduleContent` key: IoT Hub and the schema accept it; edgewise adds a warning to rename it';
  }
  return undefined;
}

function differsOnlyInCase(key: string, parentSchema: unknown): boolean {
  const properties = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  return Object.keys(properties).some((known) => known !== key && known.toLowerCase() === key.toLowerCase());
}
