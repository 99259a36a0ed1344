// Type guards over the schemas: a value the precompiled validator of a schema accepts is the
// TypeScript type generated from that schema (types.generated.ts). The library's users narrow
// a parsed document with them; the fast validators answer without building any message.
import { fastValidators } from './load-fast-validators.js';
import type { CreateOptions, DeploymentManifest, DeploymentManifestTemplate } from './types.generated.js';

/** A concrete deployment manifest, as schemas/manifest.schema.json describes it. */
export function isDeploymentManifest(value: unknown): value is DeploymentManifest {
  return fastValidators().validateManifest(value);
}

/** A deployment template for `edgewise gen` (placeholders allowed), as schemas/manifest-template.schema.json describes it. */
export function isDeploymentManifestTemplate(value: unknown): value is DeploymentManifestTemplate {
  return fastValidators().validateTemplate(value);
}

/** A module's parsed createOptions, as schemas/create-options.schema.json describes them. */
export function isCreateOptions(value: unknown): value is CreateOptions {
  return fastValidators().validateCreateOptions(value);
}
