// validate = load (parse → normalize → schema-check the manifest and each createOptions), then
// report what loading found, each problem in the words of the rule that owns it, placed and
// masked once. Pure apart from lazy imports: no file system, no output.
import type { Finding } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import type { ParsedSource, SourceText } from '../manifest/parse-source.js';
import { isStackOverflow } from '../manifest/nesting-depth.js';
import { loadSource, tooDeepLoad, type LoadedSource, type LoadOptions } from './load-source.js';
import { byPosition, placeReports } from './place-reports.js';

export type ValidateOptions = LoadOptions;

export interface ValidatedSource {
  findings: Finding[];
  /** Undefined when the file did not parse. */
  manifest?: NormalizedManifest;
  /** The text and its positions the manifest was read from, beside the model. */
  source?: ParsedSource;
}

export async function validateSource(input: SourceText, options: ValidateOptions = {}): Promise<ValidatedSource> {
  try {
    return await validateLoaded(await loadSource(input, options));
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return validateLoaded(tooDeepLoad(input));
  }
}

async function validateLoaded(load: LoadedSource): Promise<ValidatedSource> {
  const { manifest, source } = load;
  const { problems } = load.loaded;
  if (problems.length === 0) return { findings: [], manifest, source };
  // The catalogue loads only for a file with something to report: a clean run never pays for it.
  const { RULES_BY_ID } = await import('../rules/index.js');
  const entries = problems.map((problem) => {
    const rule = RULES_BY_ID.get(problem.ruleId);
    if (!rule) throw new Error(`loading reported a problem for the unknown rule ${problem.ruleId}`);
    return { rule, report: problem, severity: problem.severity ?? rule.meta.defaultSeverity };
  });
  const { findings } = await placeReports(load, entries);
  return { findings: findings.sort(byPosition), manifest, source };
}
