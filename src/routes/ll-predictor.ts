// Chooses a grammar alternative the way ANTLR 4's adaptive LL(*) prediction does, for the three
// places where edgeHub's condition grammar is ambiguous: '(' (a group, a group with an extra ')',
// or an unclosed '('), ID '(' (a property, a call, or a call with an extra ')'), and an unknown
// character (alone, or before an operand). First SLL lookahead, which ignores the calling rules
// (after the rule ends, anything that may follow it anywhere may come next); only when SLL finds
// a conflict, full-context LL. The two can disagree: edgeHub reports a syntax error for
// `as_number("2" = 24` because SLL gives up before LL would have read `as_number` as a property.
//
// The lookahead walks lookahead-threads.ts, not ANTLR's state network: one thread per way of
// reading the text, which keeps a step cheap, and full-context futures are memoised per (thread,
// position), so decisions that read the same rest of the text pay for it once. Only texts that
// are not well formed get here (see alternative-choice.ts). Every step is charged to a budget
// proportional to the length of the text, so no text can make a parse slow: past the budget the
// parse is refused with a finding that points at the first problem.
import {
  advance,
  canLeave,
  type Entry,
  forEachSharedConfig,
  type Frame,
  hasSharedConfigs,
  isAltSpecific,
  isFinished,
  Kind,
  Mode,
  reachesSllStop,
  type State,
  statesOf,
  type Thread,
  ThreadTable,
} from './lookahead-threads.js';
import { T, type Token } from './route-lexer.js';

export type Prediction = { ok: true; alt: number } | { ok: false; errorIndex: number };

export type Decision = 'paren' | 'call' | 'unknown';

/** Thrown when prediction has used up its budget (see LookaheadBudget). */
export class LookaheadBudgetExceeded extends Error {
  constructor() {
    super('lookahead budget exceeded');
  }
}

/**
 * Lookahead steps one parse may spend: a fixed allowance plus a multiple of the token count, so
 * the cost of a parse stays linear in the length of the text whatever the text is.
 */
export class LookaheadBudget {
  private readonly limit: number;
  /** Steps spent so far (for tests and the benchmark); never more than the limit. */
  spent = 0;

  constructor(tokenCount: number) {
    this.limit = LookaheadBudget.limit(tokenCount);
  }

  /** The steps allowed for a text of `tokenCount` tokens. */
  static limit(tokenCount: number): number {
    return 20_000 + 400 * tokenCount;
  }

  /** Called before doing `steps` steps of work: refuses them when they would pass the limit. */
  charge(steps: number): void {
    if (this.spent + steps > this.limit) throw new LookaheadBudgetExceeded();
    this.spent += steps;
  }
}

type Alternatives = Map<number, Thread[]>;

/**
 * What can become of a thread from a position on (full context), packed into one number: the
 * last position at which the text could end (-1: never) and the position of the token at which
 * its last reading dies (the end of the text at most).
 */
type Future = number;
const DEATH_BITS = 2 ** 24;
const future = (finish: number, death: number): Future => (finish + 1) * DEATH_BITS + death;
const finishOf = (f: Future): number => Math.floor(f / DEATH_BITS) - 1;
const deathOf = (f: Future): number => f % DEATH_BITS;

/** Predicts alternatives over one token sequence; one instance serves every decision of one parse. */
export class Predictor {
  readonly table = new ThreadTable();
  private readonly anywhere: Frame;
  /** Future of (thread, position), shared by every decision of the parse. */
  private readonly futures = new Map<number, Future>();

  constructor(
    private readonly tokens: readonly Token[],
    inRoute: boolean,
    private readonly budget: LookaheadBudget,
  ) {
    this.anywhere = this.table.bottom(inRoute ? Kind.AnywhereInRoute : Kind.Anywhere);
  }

  private type(index: number): T {
    return this.tokens[Math.min(index, this.tokens.length - 1)]!.type;
  }

  /**
   * Which alternative the generated parser takes for `decision` at token `index`, given the
   * constructs the parser is inside (`context`, innermost first). On failure, `errorIndex` is the
   * token at which every alternative died.
   */
  predict(decision: Decision, index: number, context: Frame): Prediction {
    const sll = this.predictSll(decision, index);
    return sll ?? this.predictLl(decision, index, context);
  }

  /** The threads of each alternative after the decision's first tokens, and where reading resumes. */
  private start(decision: Decision, index: number, context: Frame): { alts: Alternatives; from: number } {
    const t = this.table;
    switch (decision) {
      case 'paren':
        return {
          from: index + 1,
          alts: new Map([
            [1, [t.thread(Mode.Value, t.push(context, Kind.AltGroup), false)]],
            [11, [t.thread(Mode.Value, t.push(context, Kind.AltGroupExtra), false)]],
            [13, [t.thread(Mode.Value, t.push(context, Kind.AltMissingParen), false)]],
          ]),
        };
      case 'call':
        // Alternative 4 (a plain property) cannot read the '('; it only matters while finished.
        return {
          from: index + 2,
          alts: new Map([
            [6, [t.thread(Mode.ArgsOpen, t.push(context, Kind.AltCall), false)]],
            [12, [t.thread(Mode.ArgsOpen, t.push(context, Kind.AltCallExtra), false)]],
          ]),
        };
      case 'unknown':
        return {
          from: index + 1,
          alts: new Map([
            [9, [t.thread(Mode.Operand, context, false)]],
            [10, [t.thread(Mode.Value, t.push(context, Kind.AltUnaryError), false)]],
          ]),
        };
    }
  }

  private step(alts: Alternatives, index: number): Alternatives {
    const type = this.type(index);
    const next = this.type(index + 1);
    const result: Alternatives = new Map();
    let steps = 1;
    for (const threads of alts.values()) steps += threads.length;
    this.budget.charge(steps);
    const out: Thread[] = [];
    for (const [alt, threads] of alts) {
      out.length = 0;
      for (const thread of threads) advance(this.table, thread, type, next, out);
      if (out.length > 0) result.set(alt, out.length === 1 ? [out[0]!] : [...new Set(out)]);
    }
    return result;
  }

  /** SLL: undefined when it finds a conflict and full context must decide. */
  private predictSll(decision: Decision, index: number): Prediction | undefined {
    let { alts: current, from } = this.start(decision, index, this.anywhere);
    for (let i = from; ; i++) {
      if (this.type(i) === T.EOF) {
        // Only configurations at the end of the start rule survive the end of the text.
        const stopped = [...current].filter(([, threads]) => threads.some(reachesSllStop)).map(([alt]) => alt);
        if (stopped.length === 0) return this.finishedAlt(current, i);
        if (stopped.length === 1) return { ok: true, alt: stopped[0]! };
        return undefined; // every configuration is at a rule stop: a conflict
      }
      const next = this.step(current, i);
      if (next.size === 0) return this.finishedAlt(current, i);
      if (next.size === 1) return { ok: true, alt: next.keys().next().value! };
      if ([...next.values()].every((threads) => threads.every((t) => t.mode === Mode.Done))) return undefined;
      if (this.sllConflict(next)) return undefined;
      current = next;
    }
  }

  /** When every alternative dies: the lowest one that had already left the predicted rule. */
  private finishedAlt(alts: Alternatives, index: number): Prediction {
    const alt = Math.min(...[...alts].filter(([, threads]) => threads.some((t) => t.exited || canLeave(t) || t.mode === Mode.Done)).map(([alt]) => alt));
    return Number.isFinite(alt) ? { ok: true, alt } : { ok: false, errorIndex: index };
  }

  /**
   * ANTLR stops SLL lookahead when two alternatives reach the same state in the same context and
   * no state is reached by one alternative alone.
   */
  private sllConflict(alts: Alternatives): boolean {
    let sharing = 0;
    for (const threads of alts.values()) if (threads.some(hasSharedConfigs)) sharing++;
    if (sharing < 2) return false;
    const byConfig = new Map<number, number>();
    let shared = false;
    for (const [alt, threads] of alts) {
      for (const thread of threads) {
        if (!hasSharedConfigs(thread)) continue;
        forEachSharedConfig(thread, (state, entry, frame) => {
          this.budget.charge(1);
          const key = configKey(state, entry, frame);
          const seen = byConfig.get(key);
          if (seen === undefined) byConfig.set(key, alt);
          else if (seen !== alt) shared = true;
        });
      }
    }
    if (!shared) return false;
    // A state reached by a single alternative keeps SLL going.
    const owner = new Map<number, number>();
    for (const [alt, threads] of alts) {
      let states = 0;
      for (const thread of threads) states |= statesOf(thread);
      for (let bit = 1; bit <= states; bit <<= 1) {
        if (!(states & bit)) continue;
        const seen = owner.get(bit);
        owner.set(bit, seen === undefined ? alt : seen === alt ? alt : -1);
      }
    }
    for (const alt of owner.values()) if (alt !== -1) return false;
    return true;
  }

  /**
   * Full context. ANTLR reads on until one alternative is left, or the end of the text. An
   * alternative that can end the whole text (condition or route) stays alive, even without
   * reading more, until another one can end it later. So it picks the alternative that can end
   * the text last (the lowest-numbered on a tie) or, when none can, the one that reads furthest.
   * That depends only on each alternative's future, which is memoised, so decisions that read the
   * same rest of the text (siblings in one group) pay for it once.
   */
  private predictLl(decision: Decision, index: number, context: Frame): Prediction {
    const futures = new Map<number, { finish: number; death: number }>();
    for (const [alt, { threads, from }] of this.canonicalStart(decision, index, context)) {
      let finish = -1;
      let death = from;
      for (const thread of threads) {
        const f = this.future(thread, from);
        finish = Math.max(finish, finishOf(f));
        death = Math.max(death, deathOf(f));
      }
      futures.set(alt, { finish, death });
    }
    const latestFinish = Math.max(...[...futures.values()].map((f) => f.finish));
    if (latestFinish >= 0) return { ok: true, alt: Math.min(...[...futures].filter(([, f]) => f.finish === latestFinish).map(([alt]) => alt)) };
    const latestDeath = Math.max(...[...futures.values()].map((f) => f.death));
    const furthest = [...futures].filter(([, f]) => f.death === latestDeath);
    if (furthest.length === 1) return { ok: true, alt: furthest[0]![0] };
    // Several alternatives die at the same token without ever ending the text: ANTLR reports
    // the error there, unless their configurations merge first. Follow it step by step.
    return this.predictLlStepwise(decision, index, context);
  }

  /**
   * The alternatives' threads for full-context futures: their markers replaced by the frames
   * the parser itself pushes when it takes them, so the futures are shared with later decisions.
   */
  private canonicalStart(decision: Decision, index: number, context: Frame): Map<number, { threads: Thread[]; from: number }> {
    const t = this.table;
    const at = (from: number, mode: Mode, frame: Frame) => ({ from, threads: [t.thread(mode, frame, false)] });
    switch (decision) {
      case 'paren':
        return new Map([
          [1, at(index + 1, Mode.Value, t.push(context, Kind.Group))],
          [11, at(index + 1, Mode.Value, t.push(context, Kind.GroupExtra))],
          [13, at(index + 1, Mode.Value, context)],
        ]);
      case 'call':
        return new Map([
          [4, at(index + 1, Mode.Operand, context)],
          [6, at(index + 2, Mode.ArgsOpen, t.push(context, Kind.Args))],
          [12, at(index + 2, Mode.ArgsOpen, t.push(context, Kind.ArgsExtra))],
        ]);
      case 'unknown':
        return new Map([
          [9, at(index + 1, Mode.Operand, context)],
          [10, at(index + 1, Mode.Value, context)],
        ]);
    }
  }

  private key(thread: Thread, index: number): number {
    return thread.id * this.tokens.length + index;
  }

  /** The future of `thread` at token `index`: read forward layer by layer, then fold back. */
  private future(start: Thread, index: number): Future {
    const known = this.futures.get(this.key(start, index));
    if (known !== undefined) return known;
    const layers: Thread[][] = [];
    const successors: Thread[][][] = [];
    let current = [start];
    for (let i = index; ; i++) {
      const open: Thread[] = [];
      for (const thread of current) if (!this.futures.has(this.key(thread, i))) open.push(thread);
      if (open.length === 0) break;
      const type = this.type(i);
      if (type === T.EOF) {
        for (const thread of open) this.futures.set(this.key(thread, i), future(isFinished(thread) ? i : -1, i));
        break;
      }
      const next = this.type(i + 1);
      this.budget.charge(open.length + 1);
      const reached = new Set<Thread>();
      const outs: Thread[][] = [];
      for (const thread of open) {
        const out: Thread[] = [];
        advance(this.table, thread, type, next, out);
        outs.push(out);
        for (const s of out) reached.add(s);
      }
      layers.push(open);
      successors.push(outs);
      current = [...reached];
    }
    for (let k = layers.length - 1; k >= 0; k--) {
      const i = index + k;
      const threads = layers[k]!;
      const outs = successors[k]!;
      for (let n = 0; n < threads.length; n++) {
        const thread = threads[n]!;
        let finish = isFinished(thread) ? i : -1;
        let death = i;
        for (const s of outs[n]!) {
          const f = this.futures.get(this.key(s, i + 1))!;
          finish = Math.max(finish, finishOf(f));
          death = Math.max(death, deathOf(f));
        }
        this.futures.set(this.key(thread, i), future(finish, death));
      }
    }
    return this.futures.get(this.key(start, index))!;
  }

  /** Full context followed token by token, as ANTLR does it (see predictLl). */
  private predictLlStepwise(decision: Decision, index: number, context: Frame): Prediction {
    let { alts: current, from } = this.start(decision, index, context);
    // Alternatives whose configurations include the end of the start rule; ANTLR keeps them
    // alive while no other alternative reaches it, and drops them when one does.
    let stopped = new Set<number>();
    if (decision === 'unknown' && isFinished(this.table.thread(Mode.Operand, context, false))) stopped.add(9);
    if (decision === 'call' && isFinished(this.table.thread(Mode.Operand, context, false))) stopped.add(4);
    for (let i = from; ; i++) {
      if (this.type(i) === T.EOF) {
        if (stopped.size === 0) return { ok: false, errorIndex: i };
        return { ok: true, alt: Math.min(...stopped) };
      }
      const next = this.step(current, i);
      const reachedStop = new Set([...next].filter(([, threads]) => threads.some(isFinished)).map(([alt]) => alt));
      if (reachedStop.size > 0) stopped = reachedStop;
      const alive = new Set([...next.keys(), ...stopped]);
      if (alive.size === 0) return { ok: false, errorIndex: i };
      if (alive.size === 1) return { ok: true, alt: alive.values().next().value! };
      const resolved = this.resolvedConflict(next, stopped);
      if (resolved) return { ok: true, alt: resolved };
      current = next;
    }
  }

  /**
   * Full context: ANTLR stops when every group of identical configurations (same state, same
   * context) has the same lowest alternative. A configuration whose context holds an
   * alternative's marker is a group of its own, so only the lowest alternative may have them.
   */
  private resolvedConflict(alts: Alternatives, stopped: Set<number>): number | undefined {
    const lowest = Math.min(...alts.keys(), ...stopped);
    if (stopped.size > 0 && !stopped.has(lowest)) return undefined;
    for (const [alt, threads] of alts) if (alt !== lowest && threads.some(isAltSpecific)) return undefined;
    const own = new Set<number>();
    for (const thread of alts.get(lowest) ?? []) {
      forEachSharedConfig(thread, (state, entry, frame) => {
        this.budget.charge(1);
        own.add(configKey(state, entry, frame));
      });
    }
    let covered = true;
    for (const [alt, threads] of alts) {
      if (alt === lowest) continue;
      for (const thread of threads) {
        forEachSharedConfig(thread, (state, entry, frame) => {
          this.budget.charge(1);
          if (!own.has(configKey(state, entry, frame))) covered = false;
        });
      }
    }
    return covered ? lowest : undefined;
  }
}

/** A number unique to (state, entry, context); states are bit flags below 2^17. */
function configKey(state: State, entry: Entry, frame: Frame): number {
  return (frame.id * 3 + entry) * 2 ** 17 + state;
}
