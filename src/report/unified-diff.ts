// A unified diff (the `diff -u` / `git diff` text) of two versions of one file, for
// `lint --fix-dry-run`. Lines are matched with Myers' O(ND) algorithm ("An O(ND) Difference
// Algorithm and Its Variations", 1986) after trimming the common head and tail: fixes change
// a few lines of a file, so D stays small.

const CONTEXT = 3;
/** Beyond this many differing lines the middle is shown as removed then added, unaligned. */
const MAX_EDIT_DISTANCE = 1000;

type Op = { kind: ' ' | '-' | '+'; line: string };

/** Lines keep their terminator, so a missing final newline is a difference like any other. */
function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

function myers(a: readonly string[], b: readonly string[]): Op[] | undefined {
  const n = a.length;
  const m = b.length;
  const offset = n + m + 1;
  const v = new Int32Array(2 * offset + 1);
  // trace[d] holds v[-d…d] as it was before step d: O(D²) memory, small for small D.
  const trace: Int32Array[] = [];
  for (let d = 0; d <= Math.min(n + m, MAX_EDIT_DISTANCE); d++) {
    trace.push(v.slice(offset - d, offset + d + 1));
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      v[offset + k] = x;
      if (x >= n && y >= m) return backtrack(a, b, trace, d);
    }
  }
  return undefined;
}

function backtrack(a: readonly string[], b: readonly string[], trace: readonly Int32Array[], last: number): Op[] {
  const ops: Op[] = [];
  let x = a.length;
  let y = b.length;
  const keep = (stopX: number) => {
    while (x > stopX) {
      x--;
      y--;
      ops.push({ kind: ' ', line: a[x]! });
    }
  };
  for (let d = last; d > 0; d--) {
    // trace[d] is v after step d - 1, indexed from k = -d.
    const at = (k: number) => trace[d]![k + d]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    keep(down ? previousX : previousX + 1);
    if (down) ops.push({ kind: '+', line: b[--y]! });
    else ops.push({ kind: '-', line: a[--x]! });
  }
  keep(0);
  return ops.reverse();
}

function diffLines(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middleA = a.slice(head, a.length - tail);
  const middleB = b.slice(head, b.length - tail);
  const middle = myers(middleA, middleB) ?? [...middleA.map((line): Op => ({ kind: '-', line })), ...middleB.map((line): Op => ({ kind: '+', line }))];
  const same = (line: string): Op => ({ kind: ' ', line });
  return [...a.slice(0, head).map(same), ...middle, ...a.slice(a.length - tail).map(same)];
}

function printLine(op: Op): string {
  return op.line.endsWith('\n') ? `${op.kind}${op.line}` : `${op.kind}${op.line}\n\\ No newline at end of file\n`;
}

/** An empty string when the texts are equal. */
export function unifiedDiff(before: string, after: string, name: string): string {
  if (before === after) return '';
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => (op.kind === ' ' ? [] : [index]));
  let text = `--- ${name}\n+++ ${name}\n`;
  let start = 0;
  while (start < changed.length) {
    // One hunk: changes closer than twice the context share it.
    let end = start;
    while (end + 1 < changed.length && changed[end + 1]! - changed[end]! <= 2 * CONTEXT + 1) end++;
    const from = Math.max(0, changed[start]! - CONTEXT);
    const to = Math.min(ops.length, changed[end]! + CONTEXT + 1);
    let oldLine = 0;
    let newLine = 0;
    for (const op of ops.slice(0, from)) {
      if (op.kind !== '+') oldLine++;
      if (op.kind !== '-') newLine++;
    }
    const hunk = ops.slice(from, to);
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    // An empty side names the line before the hunk (diff -u's convention).
    text += `@@ -${oldCount === 0 ? oldLine : oldLine + 1},${oldCount} +${newCount === 0 ? newLine : newLine + 1},${newCount} @@\n`;
    text += hunk.map(printLine).join('');
    start = end + 1;
  }
  return text;
}
