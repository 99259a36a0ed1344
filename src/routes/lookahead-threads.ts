// How a WHERE condition can continue, for ll-predictor.ts: a small pushdown machine equivalent
// to edgeHub's Condition.g4 with its error alternatives (`( expr` without ')', `(expr))`,
// `f(x))`, `@` alone or before an operand), read as ANTLR's lookahead reads it: without operator
// precedence. A thread is one way of having read the text so far: what may come next (its mode)
// and the open constructs that still need a ')' or accept a ',' (its frames).
//
// Frames that ANTLR would distinguish only by which expression of a chain an operator belongs to
// are left out; the precedence-free grammar accepts the same texts either way. Stacks are
// interned, so equal stacks are the same object and threads compare by identity.
import { T } from './route-lexer.js';
import { LITERAL_TOKENS } from './token-classes.js';

export enum Kind {
  /** '(' read during lookahead: a group, a group followed by an extra ')', or an unclosed '('. */
  Paren,
  /** ID '(' read during lookahead: a call, or a call followed by an extra ')'. */
  Call,
  /** A group the parser is inside: needs ')'. */
  Group,
  /** A group followed by an extra ')' (edgeHub's `(expr))` alternative): needs ')' ')'. */
  GroupExtra,
  /** A call's arguments: ',' or ')'. */
  Args,
  /** A call followed by an extra ')': ',' or ')' ')'. */
  ArgsExtra,
  /** Markers of the alternative being predicted, so alternatives never look alike while they differ. */
  AltGroup,
  AltGroupExtra,
  AltMissingParen,
  AltCall,
  AltCallExtra,
  AltUnaryError,
  /** A standalone condition: ends where the expression may end; the rest is ignored. */
  Top,
  /** A route's WHERE condition: INTO and a sink must follow. */
  Route,
  /** SLL lookahead: the predicted rule returns to any caller (ANTLR's global follow). */
  Anywhere,
  AnywhereInRoute,
}

export interface Frame {
  readonly id: number;
  readonly kind: Kind;
  readonly parent: Frame | null;
  /** This frame or the first one below it that a ')' or ',' cannot skip. */
  readonly required: Frame;
  /** The topmost '(' above `required`, which a ')' may close; null if none. */
  readonly topParen: Frame | null;
  /** The nearest marker of the predicted alternative at or below this frame. */
  readonly marker: Frame | null;
}

export enum Mode {
  /** A value must come next (the start of an expression, at one level). */
  Value,
  /** A value must come next, after an operator that any open expression may have read. */
  ValueAfterOperator,
  /** After `f(`: an argument or ')'. */
  ArgsOpen,
  /** After a value: an operator, ')', ',' or the end. */
  Operand,
  /** After a ')' read by the global follow (SLL): as Operand, but edgeHub's extra-')' states are live. */
  OperandAfterGlobalParen,
  /** The extra ')' of `(expr))` must come next. */
  ExtraParenAfterGroup,
  /** The extra ')' of `f(x))` must come next. */
  ExtraParenAfterCall,
  /** After an ID that may be a function name: '(' must come next. */
  CallName,
  BraceOpen,
  BraceName,
  Sink,
  SinkOpen,
  SinkAddress,
  SinkClose,
  /** The route is complete. */
  Done,
}

export interface Thread {
  /** Unique per (mode, frame, exited): threads are interned. */
  readonly id: number;
  readonly mode: Mode;
  readonly frame: Frame;
  /** Some reading left the predicted rule through the global follow (ANTLR's outer context). */
  readonly exited: boolean;
}

const OPERATORS = new Set<T>([
  T.MUL,
  T.DIV,
  T.MOD,
  T.PLUS,
  T.MINUS,
  T.CONCAT,
  T.LT,
  T.LE,
  T.GT,
  T.GE,
  T.EQ,
  T.NE1,
  T.NE2,
  T.AND,
  T.OR,
  T.COALESCE,
  T.UNKNOWN_CHAR,
]);
const VALUES = new Set<T>([...LITERAL_TOKENS, T.SYS_PROP]);

export function isRequired(kind: Kind): boolean {
  return kind !== Kind.Paren && kind !== Kind.AltMissingParen && kind !== Kind.AltUnaryError;
}

export function isAnywhere(kind: Kind): boolean {
  return kind === Kind.Anywhere || kind === Kind.AnywhereInRoute;
}

function acceptsComma(kind: Kind): boolean {
  return kind === Kind.Call || kind === Kind.Args || kind === Kind.ArgsExtra || kind === Kind.AltCall || kind === Kind.AltCallExtra;
}

export function isAltMarker(kind: Kind): boolean {
  return kind >= Kind.AltGroup && kind <= Kind.AltUnaryError;
}

/** Interns frames and threads so that equal ones are one object. */
export class ThreadTable {
  private readonly frames = new Map<number, Frame>();
  private readonly threads = new Map<number, Thread>();
  private nextId = 0;
  readonly bottoms = new Map<Kind, Frame>();

  bottom(kind: Kind): Frame {
    let frame = this.bottoms.get(kind);
    if (!frame) {
      const made: { -readonly [K in keyof Frame]: Frame[K] } = { id: this.nextId++, kind, parent: null, required: undefined!, topParen: null, marker: null };
      made.required = made;
      this.bottoms.set(kind, (frame = made));
    }
    return frame;
  }

  push(parent: Frame, kind: Kind): Frame {
    const key = parent.id * 32 + kind;
    let frame = this.frames.get(key);
    if (!frame) {
      const required = isRequired(kind);
      const made: { -readonly [K in keyof Frame]: Frame[K] } = {
        id: this.nextId++,
        kind,
        parent,
        required: undefined!,
        topParen: kind === Kind.Paren ? null : required ? null : parent.topParen,
        marker: isAltMarker(kind) ? null : parent.marker,
      };
      made.required = required ? made : parent.required;
      if (kind === Kind.Paren) made.topParen = made;
      if (isAltMarker(kind)) made.marker = made;
      this.frames.set(key, (frame = made));
    }
    return frame;
  }

  thread(mode: Mode, frame: Frame, exited: boolean): Thread {
    const key = (frame.id * 16 + mode) * 2 + (exited ? 1 : 0);
    let thread = this.threads.get(key);
    if (!thread) this.threads.set(key, (thread = { id: this.threads.size, mode, frame, exited }));
    return thread;
  }
}

function afterValue(mode: Mode): boolean {
  return mode === Mode.Operand || mode === Mode.OperandAfterGlobalParen;
}

/** SLL: the thread may end the predicted rule here and return to any caller. */
export function canLeave(thread: Thread): boolean {
  return afterValue(thread.mode) && isAnywhere(thread.frame.required.kind);
}

/** SLL: the thread reaches the end of the start rule (the condition, or the route after its sink). */
export function reachesSllStop(thread: Thread): boolean {
  return thread.mode === Mode.Done || (afterValue(thread.mode) && thread.frame.required.kind === Kind.Anywhere);
}

/** Full context: the whole text could end here (a standalone condition with nothing left open, or a finished route). */
export function isFinished(thread: Thread): boolean {
  return thread.mode === Mode.Done || (afterValue(thread.mode) && thread.frame.required.kind === Kind.Top);
}

/**
 * Where a ')' after a value can go: close an open '(' (edgeHub's `( expr )`, or `( expr ) )` with
 * the extra ')' next), or close the first frame that needs it, leaving any '(' above it unclosed.
 * Closing a deeper '(' (and leaving the ones above it unclosed) is also possible, but it reads a
 * subset of what closing the topmost one reads, so only the topmost is followed.
 */
function closeParen(table: ThreadTable, thread: Thread, out: Thread[]): void {
  const top = thread.frame.topParen;
  if (top) {
    out.push(table.thread(Mode.Operand, top.parent!, thread.exited));
    out.push(table.thread(Mode.ExtraParenAfterGroup, top.parent!, thread.exited));
  }
  const f = thread.frame.required;
  const parent = f.parent!;
  switch (f.kind) {
    case Kind.Group:
    case Kind.AltGroup:
    case Kind.Args:
    case Kind.AltCall:
      out.push(table.thread(Mode.Operand, parent, thread.exited));
      return;
    case Kind.GroupExtra:
    case Kind.AltGroupExtra:
      out.push(table.thread(Mode.ExtraParenAfterGroup, parent, thread.exited));
      return;
    case Kind.ArgsExtra:
    case Kind.AltCallExtra:
      out.push(table.thread(Mode.ExtraParenAfterCall, parent, thread.exited));
      return;
    case Kind.Call:
      out.push(table.thread(Mode.Operand, parent, thread.exited));
      out.push(table.thread(Mode.ExtraParenAfterCall, parent, thread.exited));
      return;
    case Kind.Anywhere:
    case Kind.AnywhereInRoute:
      out.push(table.thread(Mode.OperandAfterGlobalParen, f, true));
      return;
    default:
      return; // Top, Route: nothing is open
  }
}

/** Every thread that `thread` becomes by reading a token of type `type` (`next`: the token after it). */
export function advance(table: ThreadTable, thread: Thread, type: T, next: T, out: Thread[]): void {
  const { frame, exited } = thread;
  switch (thread.mode) {
    case Mode.ArgsOpen:
      if (type === T.RPAREN) {
        closeParen(table, { id: -1, mode: Mode.Operand, frame, exited }, out);
        return;
      }
    // falls through: an argument starts like any value
    case Mode.Value:
    case Mode.ValueAfterOperator: {
      const same = thread.mode === Mode.ArgsOpen ? Mode.Value : thread.mode;
      if (VALUES.has(type)) out.push(table.thread(Mode.Operand, frame, exited));
      else if (type === T.ID) {
        out.push(table.thread(Mode.Operand, frame, exited));
        if (next === T.LPAREN) out.push(table.thread(Mode.CallName, frame, exited));
      } else if (type === T.LPAREN) out.push(table.thread(Mode.Value, table.push(frame, Kind.Paren), exited));
      else if (type === T.MINUS || type === T.NOT) out.push(table.thread(same, frame, exited));
      else if (type === T.UNKNOWN_CHAR) {
        out.push(table.thread(Mode.Operand, frame, exited));
        out.push(table.thread(same, frame, exited));
      } else if (type === T.LBRACE) out.push(table.thread(Mode.BraceOpen, frame, exited));
      return;
    }
    case Mode.CallName:
      if (type === T.LPAREN) out.push(table.thread(Mode.ArgsOpen, table.push(frame, Kind.Call), exited));
      return;
    case Mode.BraceOpen:
      if (type === T.SYS_PROP) out.push(table.thread(Mode.BraceName, frame, exited));
      return;
    case Mode.BraceName:
      if (type === T.RBRACE) out.push(table.thread(Mode.Operand, frame, exited));
      return;
    case Mode.ExtraParenAfterGroup:
    case Mode.ExtraParenAfterCall:
      if (type === T.RPAREN) out.push(table.thread(Mode.Operand, frame, exited));
      return;
    case Mode.Operand:
    case Mode.OperandAfterGlobalParen: {
      if (OPERATORS.has(type)) {
        out.push(table.thread(Mode.ValueAfterOperator, frame, exited || isAnywhere(frame.required.kind)));
        return;
      }
      if (type === T.RPAREN) {
        closeParen(table, thread, out);
        return;
      }
      const reached = frame.required;
      if (type === T.COMMA) {
        if (acceptsComma(reached.kind)) out.push(table.thread(Mode.Value, reached, exited));
        else if (isAnywhere(reached.kind)) out.push(table.thread(Mode.Value, reached, true));
      } else if (type === T.INTO) {
        if (reached.kind === Kind.Route) out.push(table.thread(Mode.Sink, reached, exited));
        else if (reached.kind === Kind.AnywhereInRoute) out.push(table.thread(Mode.Sink, reached, true));
      }
      return;
    }
    case Mode.Sink:
      if (type === T.SYS_PROP) out.push(table.thread(Mode.Done, frame, exited));
      else if (type === T.ID) out.push(table.thread(Mode.SinkOpen, frame, exited));
      return;
    case Mode.SinkOpen:
      if (type === T.LPAREN) out.push(table.thread(Mode.SinkAddress, frame, exited));
      return;
    case Mode.SinkAddress:
      if (type === T.STRING) out.push(table.thread(Mode.SinkClose, frame, exited));
      return;
    case Mode.SinkClose:
      if (type === T.RPAREN) out.push(table.thread(Mode.Done, frame, exited));
      return;
    case Mode.Done:
      return;
  }
}

/**
 * Groups of ANTLR parser states a thread occupies (bit flags). ANTLR decides when to stop
 * lookahead by comparing alternatives state by state, and context by context (see
 * forEachSharedConfig), so the predictor needs both.
 */
export enum State {
  ValueStart = 1 << 0,
  UnknownChar = 1 << 1,
  OperatorLoop = 1 << 2,
  GroupClose = 1 << 3,
  ArgsComma = 1 << 4,
  ArgsClose = 1 << 5,
  RuleStop = 1 << 6,
  Into = 1 << 7,
  ExtraGroupClose = 1 << 8,
  ExtraCallClose = 1 << 9,
  CallOpen = 1 << 10,
  BraceName = 1 << 11,
  BraceClose = 1 << 12,
  SinkStart = 1 << 13,
  SinkOpen = 1 << 14,
  SinkAddress = 1 << 15,
  SinkClose = 1 << 16,
}

/** How ANTLR would tell two value starts apart: by the rule reference that invoked the expression. */
export enum Entry {
  Plain,
  AfterOperator,
  Argument,
}

const MODE_STATES: Partial<Record<Mode, number>> = {
  [Mode.Value]: State.ValueStart | State.UnknownChar,
  [Mode.ArgsOpen]: State.ValueStart | State.UnknownChar | State.ArgsClose,
  [Mode.ValueAfterOperator]: State.ValueStart | State.UnknownChar,
  [Mode.ExtraParenAfterGroup]: State.ExtraGroupClose,
  [Mode.ExtraParenAfterCall]: State.ExtraCallClose,
  [Mode.CallName]: State.CallOpen,
  [Mode.BraceOpen]: State.BraceName,
  [Mode.BraceName]: State.BraceClose,
  [Mode.Sink]: State.SinkStart,
  [Mode.SinkOpen]: State.SinkOpen,
  [Mode.SinkAddress]: State.SinkAddress,
  [Mode.SinkClose]: State.SinkClose,
  [Mode.Done]: State.RuleStop,
};

/** States reached by returning to `f`, the first frame that needs a token. */
function requiredStates(f: Frame): number {
  switch (f.kind) {
    case Kind.Group:
    case Kind.GroupExtra:
    case Kind.AltGroup:
    case Kind.AltGroupExtra:
      return State.GroupClose;
    case Kind.Call:
    case Kind.Args:
    case Kind.ArgsExtra:
    case Kind.AltCall:
    case Kind.AltCallExtra:
      return State.ArgsComma | State.ArgsClose;
    case Kind.Top:
      return State.RuleStop;
    case Kind.Route:
      return State.Into;
    case Kind.Anywhere:
      // The global follow: every place an expression can end.
      return State.GroupClose | State.ArgsComma | State.ArgsClose | State.RuleStop;
    case Kind.AnywhereInRoute:
      return State.GroupClose | State.ArgsComma | State.ArgsClose | State.Into;
    default:
      return 0;
  }
}

/** Every state the thread occupies. After a value it is at each level it can return to without reading. */
export function statesOf(thread: Thread): number {
  if (!afterValue(thread.mode)) return MODE_STATES[thread.mode]!;
  let states = State.OperatorLoop | State.UnknownChar | requiredStates(thread.frame.required);
  if (thread.frame.topParen) states |= State.GroupClose;
  if (thread.mode === Mode.OperandAfterGlobalParen) states |= State.ExtraGroupClose | State.ExtraCallClose;
  return states;
}

/** The thread has configurations only the predicted alternative can have (a context that holds its marker). */
export function isAltSpecific(thread: Thread): boolean {
  return thread.frame.marker !== null;
}

/** The thread has configurations another alternative could share (a context without the marker). */
export function hasSharedConfigs(thread: Thread): boolean {
  return levelsFrom(thread) === null ? thread.frame.marker === null : thread.frame.required.marker === null;
}

/** Threads that return to lower levels without reading: the top frame down to `required`; others: null. */
function levelsFrom(thread: Thread): Frame | null {
  return afterValue(thread.mode) || thread.mode === Mode.ValueAfterOperator ? thread.frame : null;
}

/**
 * Calls `emit(state, entry, frame)` for each group of configurations of the thread whose context
 * holds no marker, so that another alternative may have the same one; `frame` identifies the
 * context.
 */
export function forEachSharedConfig(thread: Thread, emit: (state: State, entry: Entry, frame: Frame) => void): void {
  const { frame } = thread;
  if (!levelsFrom(thread)) {
    if (frame.marker !== null) return;
    const entry = thread.mode === Mode.ArgsOpen ? Entry.Argument : Entry.Plain;
    for (let states = MODE_STATES[thread.mode]!, bit = 1; states; bit <<= 1) {
      if (states & bit) {
        emit(bit as State, entry, frame);
        states &= ~bit;
      }
    }
    return;
  }
  const entry = thread.mode === Mode.ValueAfterOperator ? Entry.AfterOperator : Entry.Plain;
  for (let f = frame; ; f = f.parent!) {
    if (f.marker === null) {
      if (entry === Entry.AfterOperator) {
        emit(State.ValueStart, entry, f);
      } else {
        emit(State.OperatorLoop, entry, f);
        if (f.kind === Kind.Paren) emit(State.GroupClose, entry, f);
        if (f === f.required) {
          const states = requiredStates(f) | (thread.mode === Mode.OperandAfterGlobalParen ? State.ExtraGroupClose | State.ExtraCallClose : 0);
          for (let rest = states, bit = 1; rest; bit <<= 1) {
            if (rest & bit) {
              emit(bit as State, entry, f);
              rest &= ~bit;
            }
          }
        }
      }
    }
    if (f === f.required) return;
  }
}
