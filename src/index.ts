// The library: what `import … from "edgewise"` gives. Each function returns the data the CLI
// renders (validate and lint resolve to what `--format json` prints, diff to `diff --format
// json`, planOffline to `offline plan --format json`); none prints, exits or writes a file.
// Commands that make a manifest return its text and, when the write gate refused it (lint
// errors), a WriteRefusal saying why: the caller decides whether to write. A usage mistake
// throws an InputError, a manifest that cannot be read or edited a ManifestError, both
// EdgewiseErrors with a `code`.
import { diffFiles, type DiffFilesOptions, type DiffInput } from './diff/diff-files.js';
import { diffReport, type DiffReport } from './diff/diff-report.js';
import type { FindingsReport } from './findings-report.js';
import { planOfflineFile, type OfflinePlanOptions, type OfflinePlanReport, type PlanSource } from './offline/plan-offline-file.js';
import { lintFiles } from './run/lint-files.js';
import type { Flavour } from './manifest/normalize-manifest.js';

export { EdgewiseError, InputError, ManifestError, type ErrorPlace } from './errors.js';
export type { Finding, Severity, Suggestion, Fix, FixEdit, Summary } from './findings.js';
export type { FindingsReport } from './findings-report.js';

export { loadManifest, type LoadedManifest, type LoadManifestOptions } from './manifest/load-manifest.js';
export { normalizeManifest, type NormalizedManifest, type Flavour } from './manifest/normalize-manifest.js';
export type { SourceFormat } from './manifest/source-format.js';
export { isCreateOptions, isDeploymentManifest, isDeploymentManifestTemplate } from './schema/manifest-guards.js';
export type * from './schema/types.generated.js';

export { validateFiles as validate } from './run/validate-files.js';
export type { ValidateOptions } from './validate/validate-source.js';

export type { DiffReport, DiffReportChange } from './diff/diff-report.js';
export type { Impact } from './diff/impact.js';
export type { ChangeKind, Section } from './diff/change-list.js';
export type { LayerRef } from './merge/layer-args.js';

export { patchFile as applyPatch, type PatchOptions, type PatchedManifest } from './diff/patch-file.js';
export { mergeFiles as merge, type MergeOptions, type MergedManifest } from './merge/merge-files.js';
export type { OutputCheck, WriteRefusal } from './lint/write-gate.js';
export type { LintFinding } from './lint/lint-source.js';

export { generateFromTemplates as generate, type GenOptions, type GenRun, type GeneratedOutput } from './generate/generate-from-templates.js';
export { enableOffline, type OfflineEnableOptions, type OfflineEnableResult } from './offline/enable-offline.js';
export type { OfflineSettings, UpstreamProtocol } from './offline/offline-edits.js';
export type { OfflinePlanReport, OfflinePlanOptions, PlanSource } from './offline/plan-offline-file.js';
export type { OfflinePlan, RoutePlan, TtlSource, LossReason } from './offline/offline-plan.js';

export { compileRoute, type CompiledRoute, type RouteCompileResult } from './routes/compiled-route.js';
export type { RouteMessage, PreparedMessage } from './routes/route-message.js';

export interface LintOptions {
  /** Use this config file instead of the nearest .edgewise.yaml / .edgewise.json of each file. */
  configFile?: string;
  /** Treat the inputs as manifests or as templates; by default each file's name and content decide. */
  flavour?: Flavour;
  /** Report errors only. */
  quiet?: boolean;
}

/**
 * Validates, then checks against the rule catalogue, the manifests under `paths` (files, folders,
 * "-" for stdin), as `edgewise lint --format json` does; fixes are left to the CLI's --fix.
 */
export async function lint(paths: readonly string[], options: LintOptions = {}): Promise<FindingsReport> {
  return (await lintFiles(paths, { configFile: options.configFile, flavour: options.flavour, quiet: options.quiet })).report;
}

export interface DiffOptions extends Omit<DiffFilesOptions, 'readStdin'> {
  /** Show secret values instead of masking them as "****". */
  showSecrets?: boolean;
}

/** A side of a diff: a path ("-" for stdin), or a parsed document and the name to show for it (a twin from the cloud). */
export type ManifestInput = DiffInput;

/** Compares two manifests by meaning, with what the runtime will do about each change, as `edgewise diff --format json` does. */
export async function diff(a: ManifestInput, b: ManifestInput, options: DiffOptions = {}): Promise<DiffReport> {
  const { diff: changes } = await diffFiles(a, b, options);
  return diffReport(changes, { showSecrets: options.showSecrets });
}

/**
 * How long the device can stay offline before messages are lost, and why, as `edgewise offline
 * plan --format json` says: for a manifest file, or a parsed document and the name to show for it.
 */
export async function planOffline(manifest: PlanSource, options: OfflinePlanOptions): Promise<OfflinePlanReport> {
  return (await planOfflineFile(manifest, options)).report;
}
