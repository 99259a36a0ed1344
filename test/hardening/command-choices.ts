// Issue 9, "Proof": what the property test varies in each command besides the manifest: report
// formats, diff's direction and --show-secrets, and the JSON Patch given to `edgewise patch`.
// Patches are generated against the mutated manifest, so most of their paths exist; some name
// prototype machinery, move a node into its own child, or are not patches at all.
import fc from 'fast-check';
import { patchSecretOp } from './fuzz-secrets.js';
import { isObject } from './manifest-places.js';
import { pathsOf, sometimes } from './manifest-mutations.js';

export interface PatchChoice {
  op: 'add' | 'remove' | 'replace' | 'move' | 'copy' | 'test';
  at: number;
  from: number;
  /** Where below the chosen node the op points: the node itself, a new key, or the end of a list. */
  below: 'node' | 'new-key' | 'end';
  value: unknown;
  /** A path chosen for its trouble, instead of one from the manifest. */
  special?: string;
}

export interface CommandChoices {
  validateFormat: 'stylish' | 'json';
  fixDryRun: boolean;
  diffFormat: 'text' | 'json' | 'patch' | 'markdown';
  diffReversed: boolean;
  showSecrets: boolean;
  planFormat: 'table' | 'json';
  patch: PatchChoice[];
  /** The patch first adds an env var holding a secret (PATCH_TOKEN). */
  patchSecret: boolean;
  /** Text given as the patch file instead of a patch. */
  notAPatch?: string;
}

const specialPath = fc.constantFrom(
  '/__proto__/restartPolicy',
  '/__proto__',
  '/modulesContent/constructor/prototype/restartPolicy',
  '/modulesContent/$edgeAgent/properties.desired/modules/__proto__',
  '/-',
  '',
  '/modulesContent/~2',
  '/a~1b/0',
  '/modulesContent/$edgeAgent/properties.desired/modules/-/x',
);

const patchChoice: fc.Arbitrary<PatchChoice> = fc.record({
  op: fc.constantFrom('add' as const, 'remove' as const, 'replace' as const, 'move' as const, 'copy' as const, 'test' as const),
  at: fc.noBias(fc.nat()),
  from: fc.noBias(fc.nat()),
  below: fc.constantFrom('node' as const, 'new-key' as const, 'end' as const),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant({ restartPolicy: 'always', fuzzPolluted: true })),
  special: sometimes(specialPath, 15),
});

export const commandChoices: fc.Arbitrary<CommandChoices> = fc.record({
  validateFormat: fc.constantFrom('stylish' as const, 'json' as const),
  fixDryRun: fc.boolean(),
  diffFormat: fc.constantFrom('text' as const, 'json' as const, 'patch' as const, 'markdown' as const),
  diffReversed: fc.boolean(),
  showSecrets: fc.boolean(),
  planFormat: fc.constantFrom('table' as const, 'json' as const),
  patch: fc.array(patchChoice, { maxLength: 3 }),
  patchSecret: fc.boolean(),
  notAPatch: sometimes(fc.constantFrom('{}', '[', 'null', '[{"op": "add"}]', '[{"op": "move", "from": "/modulesContent", "path": "/modulesContent/x"}]', '\uFEFF[]'), 8),
});

const pointer = (path: readonly string[]): string => path.map((key) => `/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');

/** The patch file's text for a case: operations on the mutated manifest's own paths (or a text that is no patch). */
export function patchText(value: unknown, choices: CommandChoices): string {
  if (choices.notAPatch !== undefined) return choices.notAPatch;
  const paths = pathsOf(value);
  const ops: unknown[] = [];
  if (choices.patchSecret && isObject(value)) ops.push(patchSecretOp(value));
  for (const choice of choices.patch) {
    const node = paths[choice.at % paths.length]!;
    const below = choice.below === 'node' ? '' : choice.below === 'new-key' ? '/fuzzAdded' : '/-';
    const path = choice.special ?? `${pointer(node)}${below}`;
    const from = pointer(paths[choice.from % paths.length]!);
    if (choice.op === 'remove') ops.push({ op: choice.op, path });
    else if (choice.op === 'move' || choice.op === 'copy') ops.push({ op: choice.op, from, path });
    else ops.push({ op: choice.op, path, value: choice.value });
  }
  return JSON.stringify(ops, null, 2);
}
