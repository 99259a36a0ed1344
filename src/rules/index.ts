// The rule catalogue. Adding a rule: write src/rules/<id>.ts and its test, then list it here.
import { bindPath } from './bind-path.js';
import { createOptionsChunks } from './create-options-chunks.js';
import { createOptionsDocker } from './create-options-docker.js';
import { createOptionsJson } from './create-options-json.js';
import { duplicateKey } from './duplicate-key.js';
import { imageTagRule } from './image-tag.js';
import { parse } from './parse.js';
import { privileged } from './privileged.js';
import { hostDevices } from './host-devices.js';
import { unresolvedPlaceholder } from './unresolved-placeholder.js';
import { fillInText } from './fill-in-text.js';
import { storeAndForward } from './store-and-forward.js';
import { moduleName } from './module-name.js';
import { registryCredentials } from './registry-credentials.js';
import { plaintextSecret } from './plaintext-secret.js';
import { systemModuleVersions } from './system-module-versions.js';
import { twinSize } from './twin-size.js';
import { moduleCount } from './module-count.js';
import type { Rule } from './rule.js';
import { routeDuplicate } from './route-duplicate.js';
import { routeLoop } from './route-loop.js';
import { routeReference } from './route-reference.js';
import { routeSink } from './route-sink.js';
import { routeSource } from './route-source.js';
import { routeSyntax } from './route-syntax.js';
import { schema } from './schema.js';
import { schemaVersion } from './schema-version.js';
import { storageFolderBind } from './storage-folder-bind.js';
import { storagePermissions } from './storage-permissions.js';
import { unusedSuppression } from './unused-suppression.js';
import { upstreamProtocol } from './upstream-protocol.js';

export const RULES: readonly Rule[] = [
  schema,
  parse,
  duplicateKey,
  schemaVersion,
  unresolvedPlaceholder,
  fillInText,
  createOptionsJson,
  createOptionsChunks,
  createOptionsDocker,
  upstreamProtocol,
  storageFolderBind,
  bindPath,
  hostDevices,
  storagePermissions,
  storeAndForward,
  routeSyntax,
  routeReference,
  routeSource,
  routeSink,
  routeDuplicate,
  routeLoop,
  moduleName,
  imageTagRule,
  registryCredentials,
  plaintextSecret,
  privileged,
  systemModuleVersions,
  twinSize,
  moduleCount,
  unusedSuppression,
];

export const RULE_IDS: ReadonlySet<string> = new Set(RULES.map((rule) => rule.meta.id));

/** The catalogue by rule id. */
export const RULES_BY_ID: ReadonlyMap<string, Rule> = new Map(RULES.map((rule) => [rule.meta.id, rule]));
