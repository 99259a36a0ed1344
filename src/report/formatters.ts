// Every output of edgewise, by kind, with its formats: the names users may give (known without
// loading any formatter, so the CLI can offer them) and a loader for each, so that a run loads
// only the formatter it renders with. An unknown format is an InputError. Every output passes
// one last masking net on its way out: secrets are masked where findings and reports are made,
// and maskSecretShapes catches what the text itself shows to be secret (a connection string's
// key, a `DB_PASSWORD=…` assignment). Diff formats mask for themselves, since --show-secrets
// asks them not to.
import { InputError } from '../errors.js';
import type { FixedFile } from '../findings.js';
import type { TemplateEntry } from '../init/template-catalogue.js';
import type { WriteRefusal } from '../lint/write-gate.js';
import { maskSecretShapes } from '../manifest/secrets.js';
import type { OfflinePlanReport } from '../offline/plan-offline-file.js';
import type { RuleMeta } from '../rules/rule.js';
import type { DiffView } from './diff-view.js';
import type { FindingLines } from './finding-lines-format.js';
import type { Formatter, RenderOptions } from './formatter.js';
import type { ReportContext } from './report-context.js';
import type { RuleDocSource } from './rule-doc-format.js';

/** What each kind of output renders. */
export interface OutputData {
  /** `validate`: findings. */
  validate: ReportContext;
  /** `lint`: findings. */
  lint: ReportContext;
  /** What `lint --fix` did, or `--fix-dry-run` would do, to one file. */
  fix: FixedFile;
  /** `diff`. */
  diff: DiffView;
  /** `offline plan`. */
  'offline-plan': OfflinePlanReport;
  /** `rules`. */
  rules: readonly RuleMeta[];
  /** A rule's page in docs/rules/ (`npm run docs`). */
  'rule-doc': RuleDocSource;
  /** `init --list`. */
  templates: readonly TemplateEntry[];
  /** What init, gen and offline enable say about the manifest they wrote. */
  'finding-lines': FindingLines;
  /** Why a command that writes a manifest did not write it. */
  'write-refusal': WriteRefusal;
}

export type OutputKind = keyof OutputData;

type Loaders = { [K in OutputKind]: Record<string, () => Promise<Formatter<OutputData[K]>>> };

const LOADERS = {
  validate: {
    stylish: async () => (await import('./stylish-format.js')).stylishFormatter,
    json: async () => (await import('./json-format.js')).jsonFormatter,
  },
  lint: {
    stylish: async () => (await import('./stylish-format.js')).stylishFormatter,
    json: async () => (await import('./json-format.js')).jsonFormatter,
    sarif: async () => (await import('./sarif-format.js')).sarifFormatter,
    junit: async () => (await import('./junit-format.js')).junitFormatter,
    github: async () => (await import('./github-format.js')).githubFormatter,
  },
  fix: {
    applied: async () => (await import('./fix-report.js')).appliedFixFormatter,
    preview: async () => (await import('./fix-report.js')).fixPreviewFormatter,
    'would-fix': async () => (await import('./fix-report.js')).wouldFixFormatter,
  },
  diff: {
    text: async () => (await import('./diff-text-format.js')).diffTextFormatter,
    json: async () => (await import('./diff-json-format.js')).diffJsonFormatter,
    patch: async () => (await import('./diff-patch-format.js')).diffPatchFormatter,
    markdown: async () => (await import('./diff-markdown-format.js')).diffMarkdownFormatter,
  },
  'offline-plan': {
    table: async () => (await import('./offline-plan-format.js')).planTableFormatter,
    json: async () => (await import('./offline-plan-format.js')).planJsonFormatter,
  },
  rules: {
    text: async () => (await import('./rule-list-format.js')).ruleListTextFormatter,
    json: async () => (await import('./rule-list-format.js')).ruleListJsonFormatter,
  },
  'rule-doc': {
    markdown: async () => (await import('./rule-doc-format.js')).ruleDocFormatter,
  },
  templates: {
    text: async () => (await import('./template-list-format.js')).templateListFormatter,
  },
  'finding-lines': {
    lines: async () => (await import('./finding-lines-format.js')).findingLinesFormatter,
  },
  'write-refusal': {
    text: async () => (await import('./write-refusal-format.js')).writeRefusalFormatter,
  },
} satisfies Loaders;

/** The format names of a kind of output, in the order the CLI lists them. */
export type FormatName<K extends OutputKind> = keyof (typeof LOADERS)[K] & string;

/** What a format needs computed beside the findings: known without loading it, so a run computes only that. */
export interface FormatNeeds {
  /** Stable identities of findings (ReportContext.fingerprint): SARIF's partialFingerprints. */
  fingerprints: boolean;
}

const FINGERPRINT_FORMATS: Partial<Record<OutputKind, ReadonlySet<string>>> = { lint: new Set(['sarif']) };

export function formatNeeds(kind: OutputKind, name: string): FormatNeeds {
  return { fingerprints: FINGERPRINT_FORMATS[kind]?.has(name) ?? false };
}

/** Kinds whose formatters mask secrets themselves, as asked. */
const OWN_MASKING: ReadonlySet<OutputKind> = new Set(['diff']);

export function formatNames<K extends OutputKind>(kind: K): FormatName<K>[] {
  return Object.keys(LOADERS[kind]) as FormatName<K>[];
}

/** Throws the InputError a user sees for a format name this kind of output does not have. */
export function checkFormat(kind: OutputKind, name: string): void {
  if (!Object.hasOwn(LOADERS[kind], name)) throw new InputError(`unknown format "${name}"; use one of ${formatNames(kind).join(', ')}`, 'unknown-format');
}

export async function loadFormatter<K extends OutputKind>(kind: K, name: string): Promise<Formatter<OutputData[K]>> {
  checkFormat(kind, name);
  const formatter = await (LOADERS[kind] as Loaders[K])[name]!();
  if (OWN_MASKING.has(kind)) return formatter;
  return { name: formatter.name, render: (data, options) => maskSecretShapes(formatter.render(data, options)) };
}

/** Loads the formatter and renders with it. */
export async function renderOutput<K extends OutputKind>(kind: K, name: string, data: OutputData[K], options: RenderOptions): Promise<string> {
  return (await loadFormatter(kind, name)).render(data, options);
}
