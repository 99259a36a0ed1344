// Where `edgewise gen` writes a manifest: config/<template name>.<platform>.json, as iotedgedev's
// get_deployment_manifest_name does (deployment.template.json → deployment.amd64.json), except
// that the platform is always in the name (iotedgedev drops it when `$schema-template` is
// missing or 0.0.1, so two platforms would overwrite each other).
import { basename, join } from 'node:path';

const TEMPLATE_SUFFIX = /\.template\.(json|ya?ml)$/i;
const MANIFEST_SUFFIX = /\.(json|ya?ml)$/i;

export function generatedName(templatePath: string, platform: string): string {
  const name = basename(templatePath);
  const stem = TEMPLATE_SUFFIX.test(name) ? name.replace(TEMPLATE_SUFFIX, '') : MANIFEST_SUFFIX.test(name) ? name.replace(MANIFEST_SUFFIX, '') : 'deployment';
  return `${stem}.${platform}.json`;
}

export function generatedPath(templatePath: string, platform: string, configDir: string): string {
  return join(configDir, generatedName(templatePath, platform));
}
