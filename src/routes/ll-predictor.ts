// Chooses a grammar alternative the way ANTLR 4's adaptive LL(*) prediction does: first with
// SLL lookahead (no knowledge of the calling rules: after a rule ends, anything that may follow
// it anywhere in the grammar may come next), falling back to full-context LL only when SLL finds
// a conflict. The two can disagree; edgeHub reports a syntax error for `as_number("2" = 24`
// because SLL gives up before LL would have read `as_number` as a plain property. Reproducing the
// algorithm, rather than guessing per case, keeps the route verdicts faithful on any input.
import type { Atn, AtnState, AtnTransition } from './grammar-atn.js';
import { T, type Token } from './route-lexer.js';

/**
 * A set of return-state stacks, stored as a shared trie: `hasEmpty` says the empty stack ("end of
 * the start rule") is in the set, and each entry continues with one return state. Nodes are
 * interned, so equal sets are the same object and nested alternatives share structure (a flat
 * list of stacks grows exponentially with nested parentheses).
 */
interface Context {
  readonly id: number;
  readonly hasEmpty: boolean;
  readonly entries: readonly { readonly returnState: number; readonly parent: Context }[];
}

interface Config {
  state: number;
  alt: number;
  ctx: Context;
  /** How many times lookahead left the decision rule through a global follow link. */
  outer: number;
}

export type Prediction = { ok: true; alt: number } | { ok: false; errorIndex: number };

class ContextTable {
  private readonly interned = new Map<string, Context>();
  private readonly merged = new Map<string, Context>();
  readonly empty: Context = this.intern(true, []);

  private intern(hasEmpty: boolean, entries: Context['entries']): Context {
    const key = `${hasEmpty ? 1 : 0}|${entries.map((e) => `${e.returnState}:${e.parent.id}`).join(',')}`;
    let node = this.interned.get(key);
    if (!node) {
      node = { id: this.interned.size, hasEmpty, entries };
      this.interned.set(key, node);
    }
    return node;
  }

  push(ctx: Context, returnState: number): Context {
    return this.intern(false, [{ returnState, parent: ctx }]);
  }

  /** Builds the context of one stack (innermost return state first). */
  fromStack(stack: readonly number[]): Context {
    let ctx = this.empty;
    for (let i = stack.length - 1; i >= 0; i--) ctx = this.push(ctx, stack[i]!);
    return ctx;
  }

  /** Union of two sets. With `wildcard` (SLL) the empty stack stands for any stack and absorbs the rest. */
  merge(a: Context, b: Context, wildcard: boolean): Context {
    if (a === b) return a;
    if (wildcard && (a.hasEmpty || b.hasEmpty)) return this.empty;
    const key = a.id < b.id ? `${a.id},${b.id},${wildcard}` : `${b.id},${a.id},${wildcard}`;
    const cached = this.merged.get(key);
    if (cached) return cached;
    const entries: { returnState: number; parent: Context }[] = [];
    let i = 0;
    let j = 0;
    while (i < a.entries.length || j < b.entries.length) {
      const x = a.entries[i];
      const y = b.entries[j];
      if (x && (!y || x.returnState < y.returnState)) {
        entries.push(x);
        i++;
      } else if (y && (!x || y.returnState < x.returnState)) {
        entries.push(y);
        j++;
      } else {
        entries.push({ returnState: x!.returnState, parent: this.merge(x!.parent, y!.parent, wildcard) });
        i++;
        j++;
      }
    }
    const result = this.intern(a.hasEmpty || b.hasEmpty, entries);
    this.merged.set(key, result);
    return result;
  }
}

function isEmptyOnly(ctx: Context): boolean {
  return ctx.hasEmpty && ctx.entries.length === 0;
}

class ConfigSet {
  private readonly byKey = new Map<string, Config>();

  constructor(
    readonly fullCtx: boolean,
    private readonly contexts: ContextTable,
  ) {}

  add(config: Config): void {
    const key = `${config.state}:${config.alt}`;
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, { ...config });
      return;
    }
    existing.ctx = this.contexts.merge(existing.ctx, config.ctx, !this.fullCtx);
    existing.outer = Math.max(existing.outer, config.outer);
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<Config> {
    return this.byKey.values();
  }
}

function uniqueAlt(configs: Iterable<Config>): number {
  let alt = 0;
  for (const config of configs) {
    if (alt === 0) alt = config.alt;
    else if (config.alt !== alt) return 0;
  }
  return alt;
}

class Simulator {
  private readonly contexts = new ContextTable();

  constructor(
    private readonly atn: Atn,
    private readonly tokens: readonly Token[],
  ) {}

  private state(id: number): AtnState {
    return this.atn.states[id]!;
  }

  private la(index: number): number {
    return (this.tokens[Math.min(index, this.tokens.length - 1)] ?? { type: T.EOF }).type;
  }

  private busyKey(config: Config): string {
    return `${config.state}:${config.alt}:${config.ctx.id}`;
  }

  private epsilonTarget(config: Config, t: AtnTransition, fullCtx: boolean, treatEofAsEpsilon: boolean): Config | null {
    switch (t.kind) {
      case 'epsilon':
        return { ...config, state: t.target };
      case 'rule':
        return { ...config, state: t.target, ctx: this.contexts.push(config.ctx, t.follow!) };
      case 'match':
        return treatEofAsEpsilon && t.tokens!.has(T.EOF) ? { ...config, state: t.target } : null;
    }
  }

  private closureCheckingStopState(
    config: Config,
    configs: ConfigSet,
    busy: Set<string>,
    fullCtx: boolean,
    treatEofAsEpsilon: boolean,
  ): void {
    if (this.state(config.state).isRuleStop) {
      if (!isEmptyOnly(config.ctx)) {
        // Return to each caller the context allows.
        if (config.ctx.hasEmpty) {
          if (fullCtx) configs.add({ ...config, ctx: this.contexts.empty });
          else this.closureFollowing(config, configs, busy, fullCtx, treatEofAsEpsilon);
        }
        for (const entry of config.ctx.entries) {
          const popped: Config = { state: entry.returnState, alt: config.alt, ctx: entry.parent, outer: config.outer };
          this.closureCheckingStopState(popped, configs, busy, fullCtx, treatEofAsEpsilon);
        }
        return;
      }
      if (fullCtx) {
        configs.add(config); // reached the end of the start rule
        return;
      }
      // SLL with no context: fall through and follow the rule's global follow links.
    }
    this.closureFollowing(config, configs, busy, fullCtx, treatEofAsEpsilon);
  }

  private closureFollowing(
    config: Config,
    configs: ConfigSet,
    busy: Set<string>,
    fullCtx: boolean,
    treatEofAsEpsilon: boolean,
  ): void {
    const p = this.state(config.state);
    if (!p.epsilonOnly) configs.add(config);
    for (const t of p.transitions) {
      const next = this.epsilonTarget(config, t, fullCtx, treatEofAsEpsilon);
      if (!next) continue;
      if (p.isRuleStop) {
        next.outer = config.outer + 1; // left the decision rule without knowing the caller
        const key = this.busyKey(next);
        if (busy.has(key)) continue;
        busy.add(key);
      } else if (t.kind === 'match') {
        const key = this.busyKey(next);
        if (busy.has(key)) continue;
        busy.add(key);
      }
      this.closureCheckingStopState(next, configs, busy, fullCtx, treatEofAsEpsilon);
    }
  }

  private startState(decision: number, ctx: Context, fullCtx: boolean): ConfigSet {
    const configs = new ConfigSet(fullCtx, this.contexts);
    this.state(decision).transitions.forEach((t, i) => {
      this.closureCheckingStopState({ state: t.target, alt: i + 1, ctx, outer: 0 }, configs, new Set(), fullCtx, false);
    });
    return configs;
  }

  private reach(closure: ConfigSet, t: number, fullCtx: boolean): ConfigSet | null {
    const intermediate = new ConfigSet(fullCtx, this.contexts);
    const skippedStopStates: Config[] = [];
    for (const config of closure.values()) {
      const p = this.state(config.state);
      if (p.isRuleStop) {
        if (fullCtx || t === T.EOF) skippedStopStates.push(config);
        continue;
      }
      for (const transition of p.transitions) {
        if (transition.kind === 'match' && transition.tokens!.has(t)) intermediate.add({ ...config, state: transition.target });
      }
    }
    let reach: ConfigSet | null = null;
    if (skippedStopStates.length === 0 && t !== T.EOF) {
      if (intermediate.size === 1 || uniqueAlt(intermediate.values()) !== 0) reach = intermediate;
    }
    if (!reach) {
      reach = new ConfigSet(fullCtx, this.contexts);
      const busy = new Set<string>();
      for (const config of intermediate.values()) this.closureCheckingStopState(config, reach, busy, fullCtx, t === T.EOF);
    }
    if (t === T.EOF) reach = this.onlyRuleStopStates(reach);
    if (skippedStopStates.length > 0 && (!fullCtx || !this.hasRuleStopState(reach))) {
      for (const config of skippedStopStates) reach.add(config);
    }
    return reach.size > 0 ? reach : null;
  }

  private hasRuleStopState(configs: ConfigSet): boolean {
    for (const config of configs.values()) if (this.state(config.state).isRuleStop) return true;
    return false;
  }

  private onlyRuleStopStates(configs: ConfigSet): ConfigSet {
    const all = [...configs.values()];
    if (all.every((c) => this.state(c.state).isRuleStop)) return configs;
    const result = new ConfigSet(configs.fullCtx, this.contexts);
    for (const config of all) if (this.state(config.state).isRuleStop) result.add(config);
    return result;
  }

  /** The lowest alternative that had already completed the decision's rule, or 0. */
  private finishedAlt(configs: ConfigSet): number {
    let best = 0;
    for (const c of configs.values()) {
      if (c.outer > 0 || (this.state(c.state).isRuleStop && c.ctx.hasEmpty)) {
        if (best === 0 || c.alt < best) best = c.alt;
      }
    }
    return best;
  }

  private conflictingAltSubsets(configs: ConfigSet): Set<number>[] {
    const groups = new Map<string, Set<number>>();
    for (const c of configs.values()) {
      const key = `${c.state}|${c.ctx.id}`;
      const alts = groups.get(key) ?? new Set<number>();
      alts.add(c.alt);
      groups.set(key, alts);
    }
    return [...groups.values()];
  }

  private sllConflictEndsPrediction(configs: ConfigSet): boolean {
    const all = [...configs.values()];
    if (all.every((c) => this.state(c.state).isRuleStop)) return true;
    const hasConflict = this.conflictingAltSubsets(configs).some((alts) => alts.size > 1);
    if (!hasConflict) return false;
    const altsByState = new Map<number, Set<number>>();
    for (const c of all) {
      const alts = altsByState.get(c.state) ?? new Set<number>();
      alts.add(c.alt);
      altsByState.set(c.state, alts);
    }
    return ![...altsByState.values()].some((alts) => alts.size === 1);
  }

  predict(decision: number, startIndex: number, outerStack: readonly number[]): Prediction {
    let previous = this.startState(decision, this.contexts.empty, false);
    let index = startIndex;
    for (;;) {
      const t = this.la(index);
      const reach = this.reach(previous, t, false);
      if (!reach) {
        const alt = this.finishedAlt(previous);
        return alt ? { ok: true, alt } : { ok: false, errorIndex: index };
      }
      const alt = uniqueAlt(reach.values());
      if (alt) return { ok: true, alt };
      if (this.sllConflictEndsPrediction(reach)) return this.predictWithFullContext(decision, startIndex, outerStack);
      previous = reach;
      if (t !== T.EOF) index++;
    }
  }

  private predictWithFullContext(decision: number, startIndex: number, outerStack: readonly number[]): Prediction {
    const outer = this.contexts.fromStack(outerStack);
    let previous = this.startState(decision, outer, true);
    let index = startIndex;
    for (;;) {
      const t = this.la(index);
      const reach = this.reach(previous, t, true);
      if (!reach) {
        const alt = this.finishedAlt(previous);
        return alt ? { ok: true, alt } : { ok: false, errorIndex: index };
      }
      const unique = uniqueAlt(reach.values());
      if (unique) return { ok: true, alt: unique };
      const minima = new Set(this.conflictingAltSubsets(reach).map((alts) => Math.min(...alts)));
      if (minima.size === 1 || t === T.EOF) return { ok: true, alt: Math.min(...minima) };
      previous = reach;
      if (t !== T.EOF) index++;
    }
  }
}

/**
 * Predicts which alternative of `decision` the generated parser takes at token `index`.
 * `outerStack` holds the return states of the rule invocations that led here, innermost first.
 * On failure, `errorIndex` is the token at which every alternative died.
 */
export function predictAlternative(
  atn: Atn,
  decision: number,
  tokens: readonly Token[],
  index: number,
  outerStack: readonly number[],
): Prediction {
  return new Simulator(atn, tokens).predict(decision, index, outerStack);
}
