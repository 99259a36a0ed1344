// Chooses a grammar alternative the way ANTLR 4's adaptive LL(*) prediction does: first with
// SLL lookahead (no knowledge of the calling rules: after a rule ends, anything that may follow
// it anywhere in the grammar may come next), falling back to full-context LL only when SLL finds
// a conflict. The two can disagree; edgeHub reports a syntax error for `as_number("2" = 24`
// because SLL gives up before LL would have read `as_number` as a plain property. Reproducing the
// algorithm, rather than guessing per case, keeps the route verdicts faithful on any input.
//
// The condition grammar makes some lookahead unbounded (an unclosed `(` may swallow the rest of
// the text), so speed matters: stacks are shared interned tries, keys are numbers, and, as in
// ANTLR's DFA, SLL steps are cached per decision (they do not depend on where the parse is).
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

// Alternatives and states are packed into one number: state * ALT_SLOTS + alt.
const ALT_SLOTS = 32;

class ContextTable {
  private readonly pushed = new Map<number, Map<number, Context>>();
  private readonly arrays = new Map<string, Context>();
  private readonly merged = new Map<number, Map<number, Context>>();
  private nextId = 0;
  readonly empty: Context = { id: this.nextId++, hasEmpty: true, entries: [] };

  push(parent: Context, returnState: number): Context {
    let byState = this.pushed.get(parent.id);
    if (!byState) this.pushed.set(parent.id, (byState = new Map()));
    let node = byState.get(returnState);
    if (!node) byState.set(returnState, (node = { id: this.nextId++, hasEmpty: false, entries: [{ returnState, parent }] }));
    return node;
  }

  private intern(hasEmpty: boolean, entries: Context['entries']): Context {
    if (hasEmpty && entries.length === 0) return this.empty;
    if (!hasEmpty && entries.length === 1) return this.push(entries[0]!.parent, entries[0]!.returnState);
    const key = `${hasEmpty ? 1 : 0}|${entries.map((e) => `${e.returnState}:${e.parent.id}`).join(',')}`;
    let node = this.arrays.get(key);
    if (!node) this.arrays.set(key, (node = { id: this.nextId++, hasEmpty, entries }));
    return node;
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
    const [low, high] = a.id < b.id ? [a, b] : [b, a];
    const slot = high.id * 2 + (wildcard ? 1 : 0);
    let byLow = this.merged.get(low.id);
    if (!byLow) this.merged.set(low.id, (byLow = new Map()));
    const cached = byLow.get(slot);
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
    byLow.set(slot, result);
    return result;
  }
}

class ConfigSet {
  private readonly byKey = new Map<number, Config>();

  constructor(
    readonly fullCtx: boolean,
    private readonly contexts: ContextTable,
  ) {}

  add(config: Config): void {
    const key = config.state * ALT_SLOTS + config.alt;
    const existing = this.byKey.get(key);
    if (!existing) {
      this.byKey.set(key, { state: config.state, alt: config.alt, ctx: config.ctx, outer: config.outer });
      return;
    }
    existing.ctx = this.contexts.merge(existing.ctx, config.ctx, !this.fullCtx);
    if (config.outer > existing.outer) existing.outer = config.outer;
  }

  get size(): number {
    return this.byKey.size;
  }

  values(): IterableIterator<Config> {
    return this.byKey.values();
  }

  /** Identity of the set's content, for caching SLL steps. */
  key(): string {
    return [...this.byKey.values()]
      .map((c) => `${c.state * ALT_SLOTS + c.alt}:${c.ctx.id}:${c.outer > 0 ? 1 : 0}`)
      .sort()
      .join(' ');
  }
}

function uniqueAlt(configs: ConfigSet): number {
  let alt = 0;
  for (const config of configs.values()) {
    if (alt === 0) alt = config.alt;
    else if (config.alt !== alt) return 0;
  }
  return alt;
}

/** Per-closure bookkeeping: configurations already explored, and follow links already taken. */
interface Closure {
  readonly configs: ConfigSet;
  readonly seen: Set<number>;
  readonly fullCtx: boolean;
  readonly treatEofAsEpsilon: boolean;
}

/** One SLL step in the cache: the next set for a token, or null when no alternative survives. */
interface SllState {
  readonly configs: ConfigSet;
  readonly next: Map<number, SllState | null>;
}

/** Predicts alternatives over one token sequence; reuse it for every decision of one parse. */
export class Predictor {
  private readonly contexts = new ContextTable();
  private readonly stride: number;
  private readonly sllStart = new Map<number, SllState>();
  private readonly sllStates = new Map<string, SllState>();

  constructor(
    private readonly atn: Atn,
    private readonly tokens: readonly Token[],
  ) {
    this.stride = atn.states.length * ALT_SLOTS;
  }

  private state(id: number): AtnState {
    return this.atn.states[id]!;
  }

  private la(index: number): number {
    return this.tokens[Math.min(index, this.tokens.length - 1)]!.type;
  }

  /** A number unique to (state, alt, context) and the flag. */
  private configKey(config: Config, flag: number): number {
    return ((config.ctx.id * this.stride + config.state * ALT_SLOTS + config.alt) * 2 + flag) * 2;
  }

  private epsilonTarget(config: Config, t: AtnTransition, treatEofAsEpsilon: boolean): Config | null {
    switch (t.kind) {
      case 'epsilon':
        return { state: t.target, alt: config.alt, ctx: config.ctx, outer: config.outer };
      case 'rule':
        return { state: t.target, alt: config.alt, ctx: this.contexts.push(config.ctx, t.follow!), outer: config.outer };
      case 'match':
        return treatEofAsEpsilon && t.tokens!.has(T.EOF) ? { state: t.target, alt: config.alt, ctx: config.ctx, outer: config.outer } : null;
    }
  }

  private closureCheckingStopState(config: Config, closure: Closure): void {
    // Exploring the same configuration twice adds nothing new; skipping it keeps nested
    // parentheses from multiplying the paths through the shared stacks.
    const seen = this.configKey(config, config.outer > 0 ? 1 : 0) + 1;
    if (closure.seen.has(seen)) return;
    closure.seen.add(seen);
    const ctx = config.ctx;
    if (this.state(config.state).isRuleStop) {
      if (!(ctx.hasEmpty && ctx.entries.length === 0)) {
        // Return to each caller the context allows.
        if (ctx.hasEmpty) {
          if (closure.fullCtx) closure.configs.add({ state: config.state, alt: config.alt, ctx: this.contexts.empty, outer: config.outer });
          else this.closureFollowing(config, closure);
        }
        for (const entry of ctx.entries) {
          this.closureCheckingStopState({ state: entry.returnState, alt: config.alt, ctx: entry.parent, outer: config.outer }, closure);
        }
        return;
      }
      if (closure.fullCtx) {
        closure.configs.add(config); // reached the end of the start rule
        return;
      }
      // SLL with no context: fall through and follow the rule's global follow links.
    }
    this.closureFollowing(config, closure);
  }

  private closureFollowing(config: Config, closure: Closure): void {
    const p = this.state(config.state);
    if (!p.epsilonOnly) closure.configs.add(config);
    for (const t of p.transitions) {
      const next = this.epsilonTarget(config, t, closure.treatEofAsEpsilon);
      if (!next) continue;
      if (p.isRuleStop) {
        next.outer = config.outer + 1; // left the decision rule without knowing the caller
        const key = this.configKey(next, 0);
        if (closure.seen.has(key)) continue;
        closure.seen.add(key);
      } else if (t.kind === 'match') {
        const key = this.configKey(next, 0);
        if (closure.seen.has(key)) continue;
        closure.seen.add(key);
      }
      this.closureCheckingStopState(next, closure);
    }
  }

  private startState(decision: number, ctx: Context, fullCtx: boolean): ConfigSet {
    const configs = new ConfigSet(fullCtx, this.contexts);
    this.state(decision).transitions.forEach((t, i) => {
      const closure: Closure = { configs, seen: new Set(), fullCtx, treatEofAsEpsilon: false };
      this.closureCheckingStopState({ state: t.target, alt: i + 1, ctx, outer: 0 }, closure);
    });
    return configs;
  }

  private reach(previous: ConfigSet, t: number, fullCtx: boolean): ConfigSet | null {
    const intermediate = new ConfigSet(fullCtx, this.contexts);
    const skippedStopStates: Config[] = [];
    for (const config of previous.values()) {
      const p = this.state(config.state);
      if (p.isRuleStop) {
        if (fullCtx || t === T.EOF) skippedStopStates.push(config);
        continue;
      }
      for (const transition of p.transitions) {
        if (transition.kind === 'match' && transition.tokens!.has(t)) {
          intermediate.add({ state: transition.target, alt: config.alt, ctx: config.ctx, outer: config.outer });
        }
      }
    }
    let reach: ConfigSet | null = null;
    if (skippedStopStates.length === 0 && t !== T.EOF) {
      if (intermediate.size === 1 || uniqueAlt(intermediate) !== 0) reach = intermediate;
    }
    if (!reach) {
      const closure: Closure = { configs: new ConfigSet(fullCtx, this.contexts), seen: new Set(), fullCtx, treatEofAsEpsilon: t === T.EOF };
      for (const config of intermediate.values()) this.closureCheckingStopState(config, closure);
      reach = closure.configs;
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

  /** Alternatives grouped by (state, context): the groups ANTLR checks for conflicts. */
  private conflictingAltSubsets(configs: ConfigSet): Set<number>[] {
    const groups = new Map<number, Set<number>>();
    for (const c of configs.values()) {
      const key = c.ctx.id * this.atn.states.length + c.state;
      let alts = groups.get(key);
      if (!alts) groups.set(key, (alts = new Set()));
      alts.add(c.alt);
    }
    return [...groups.values()];
  }

  private sllConflictEndsPrediction(configs: ConfigSet): boolean {
    const all = [...configs.values()];
    if (all.every((c) => this.state(c.state).isRuleStop)) return true;
    if (!this.conflictingAltSubsets(configs).some((alts) => alts.size > 1)) return false;
    const altsByState = new Map<number, Set<number>>();
    for (const c of all) {
      let alts = altsByState.get(c.state);
      if (!alts) altsByState.set(c.state, (alts = new Set()));
      alts.add(c.alt);
    }
    return ![...altsByState.values()].some((alts) => alts.size === 1);
  }

  private sllStep(from: SllState, t: number): SllState | null {
    const cached = from.next.get(t);
    if (cached !== undefined) return cached;
    const reach = this.reach(from.configs, t, false);
    let target: SllState | null = null;
    if (reach) {
      const key = reach.key();
      target = this.sllStates.get(key) ?? { configs: reach, next: new Map() };
      this.sllStates.set(key, target);
    }
    from.next.set(t, target);
    return target;
  }

  /**
   * Which alternative of `decision` the generated parser takes at token `index`. `outerStack`
   * holds the return states of the rule invocations that led here, innermost first. On failure,
   * `errorIndex` is the token at which every alternative died.
   */
  predict(decision: number, index: number, outerStack: readonly number[]): Prediction {
    let current = this.sllStart.get(decision);
    if (!current) {
      current = { configs: this.startState(decision, this.contexts.empty, false), next: new Map() };
      this.sllStart.set(decision, current);
    }
    for (let i = index; ; ) {
      const t = this.la(i);
      const next = this.sllStep(current, t);
      if (!next) {
        const alt = this.finishedAlt(current.configs);
        return alt ? { ok: true, alt } : { ok: false, errorIndex: i };
      }
      const alt = uniqueAlt(next.configs);
      if (alt) return { ok: true, alt };
      if (this.sllConflictEndsPrediction(next.configs)) return this.predictWithFullContext(decision, index, outerStack);
      current = next;
      if (t !== T.EOF) i++;
    }
  }

  private predictWithFullContext(decision: number, index: number, outerStack: readonly number[]): Prediction {
    let previous = this.startState(decision, this.contexts.fromStack(outerStack), true);
    for (let i = index; ; ) {
      const t = this.la(i);
      const reach = this.reach(previous, t, true);
      if (!reach) {
        const alt = this.finishedAlt(previous);
        return alt ? { ok: true, alt } : { ok: false, errorIndex: i };
      }
      const unique = uniqueAlt(reach);
      if (unique) return { ok: true, alt: unique };
      // Resolved when every conflicting group has the same lowest alternative.
      const minima = new Set(this.conflictingAltSubsets(reach).map((alts) => Math.min(...alts)));
      if (minima.size === 1 || t === T.EOF) return { ok: true, alt: Math.min(...minima) };
      previous = reach;
      if (t !== T.EOF) i++;
    }
  }
}
