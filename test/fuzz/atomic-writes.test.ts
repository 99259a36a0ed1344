// Issue 16, "Bad input": every command that writes a file (lint --fix, lint -o reports, convert,
// patch, merge, gen, offline enable --in-place and -o, init) leaves either the old file or the
// new one, never a truncated one, also when two run at once. The writes go through one helper
// (src/manifest/write-file-atomic.ts: a temporary file in the same folder, flushed, the old
// mode kept, renamed over the target).
// Injected, per command, on a fleet manifest of about 1 MB (MS Learn's standard deployment with
// its sensor module repeated 50 times, each with a 20 KB twin; every output is one the write gate
// lets through): SIGKILL of the built CLI at seeded random moments: KILLS_AT_RANDOM spread over
// the run; KILLS_IN_WRITE 0-40 ms after the first sign of the write in the target's folder (its
// temporary file appearing, or the target changing); KILLS_SLOWED the same with every write(2)
// held back 40 ms by strace, so that the kill lands inside the write (a plain write of 1 MB takes
// under a millisecond, too short to aim at; skipped with a warning where strace cannot run). Then
// two processes writing the same target, every write(2) of both held back PAIR_WRITE_MS by
// strace and the second started PAIR_LATER_MS after the first, so that it opens the target while
// the first one's write is held: once with the shorter output second (a plain open-truncate-write
// then leaves the shorter text over the longer one's tail, a file that is neither), once with the
// longer second. CI: 1 + 1 + 2 kills and two pairs per command; EDGEWISE_FUZZ_RUNS=N runs N times
// as many kills; EDGEWISE_FUZZ_SEED=S other kill moments (the seed is printed).
// Checked: after each kill the target is byte for byte the old file or the new one, and nothing
// but the target and a killed run's temporary file is in its folder; no finished run leaves a
// temporary file; two at once leave one of their two outputs whole, each run ending as it does
// alone. The helper itself: the old mode kept, a link written through and kept, /dev/null written
// and not replaced, a 255-byte name (UTF-8) written.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFileAtomic } from '../../src/manifest/write-file-atomic.js';
import { ROOT, scratchFolder } from '../hardening/loader-cli.js';
import { seededRandom } from '../support/seeded-random.js';
import { runCommand, runEdgewise, startEdgewise, startSlowedEdgewise, STRACE_WORKS, type Finished } from './support/cli-process.js';

const MULTIPLIER = Math.max(1, Math.floor(Number(process.env.EDGEWISE_FUZZ_RUNS ?? '1')) || 1);
const SEED = Number(process.env.EDGEWISE_FUZZ_SEED ?? '20261208');
const KILLS_AT_RANDOM = 1 * MULTIPLIER;
const KILLS_IN_WRITE = 1 * MULTIPLIER;
const KILLS_SLOWED = 2 * MULTIPLIER;
/** How long after the first sign of a write a kill may come: 1 MB takes about this long to write and flush. */
const WRITE_WINDOW_MS = 40;
/** How long strace holds back each write(2) of a slowed run: a kill within it lands inside a write. */
const SLOWED_WRITE_MS = 40;
/** Modules in the large manifest, each with a twin of 20 KB: about 1 MB of JSON. */
const MODULES = 50;
/** How long strace holds back each write(2) of a pair's two runs: the window in which the second opens the target. */
const PAIR_WRITE_MS = 600;
/**
 * When the second run of a pair starts: both runs make the same writes, held the same time, so
 * the second opens the target about this long after the first, inside the first one's held write.
 */
const PAIR_LATER_MS = PAIR_WRITE_MS / 2;

const DOCS_BASE = join(ROOT, 'test', 'fixtures', 'merge', 'docs-base.json');
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');
const EMPTY_PATCH = join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json');
const TEMPORARY = /^\..+\.edgewise-\d+-[a-z0-9]+\.tmp$/;

/**
 * The standard deployment with `count` copies of its sensor, each with a twin of 250 settings (so
 * every twin stays within IoT Hub's 32 KB and the write gate lets the result through); edgeHub on
 * Mqtt and edgeAgent unset, so that lint --fix has a fix to write (upstream-protocol).
 */
function fleetManifest(count: number): string {
  const manifest = JSON.parse(readFileSync(DOCS_BASE, 'utf8'));
  const modulesContent = manifest.content.modulesContent;
  const desired = modulesContent.$edgeAgent['properties.desired'];
  const sensor = desired.modules.SimulatedTemperatureSensor;
  desired.modules = {};
  for (let i = 0; i < count; i++) {
    desired.modules[`sensor${i}`] = {
      ...sensor,
      env: { Location: { value: `line ${i}` } },
    };
    const settings: Record<string, string> = {};
    for (let j = 0; j < 250; j++) settings[`setting${j}`] = `reading ${i}.${j} of line ${i}, calibrated ${(i * j) % 97} on bench ${j % 13}`;
    modulesContent[`sensor${i}`] = { 'properties.desired': settings };
  }
  delete desired.systemModules.edgeAgent.env?.UpstreamProtocol;
  desired.systemModules.edgeHub.env = {
    ...desired.systemModules.edgeHub.env,
    UpstreamProtocol: { value: 'Mqtt' },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

let root: string;
const inputs = { a: '', b: '' };
beforeAll(() => {
  root = scratchFolder('atomic');
  inputs.a = join(root, 'fleet-a.json');
  inputs.b = join(root, 'fleet-b.json');
  writeFileSync(inputs.a, fleetManifest(MODULES));
  writeFileSync(inputs.b, fleetManifest(MODULES - 1));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));
console.log(`atomic writes: seed ${SEED} (EDGEWISE_FUZZ_SEED=${SEED} replays these kill moments), EDGEWISE_FUZZ_RUNS=${MULTIPLIER}`);

/** One way a command writes: the target it writes in `folder`, and its arguments for input A or B. */
interface Writer {
  name: string;
  /** The file the command writes, in its own folder. */
  target: string;
  /** True when the target is the input itself (lint --fix, offline enable --in-place). */
  inPlace: boolean;
  args: (input: string, target: string) => string[];
}

const WRITERS: Writer[] = [
  {
    name: 'lint --fix',
    target: 'deployment.json',
    inPlace: true,
    args: (_input, target) => ['lint', '--fix', '--quiet', target],
  },
  {
    name: 'lint -f json -o',
    target: 'report.json',
    inPlace: false,
    args: (input, target) => ['lint', input, '-f', 'json', '-o', target],
  },
  {
    name: 'convert -o',
    target: 'deployment.yaml',
    inPlace: false,
    args: (input, target) => ['convert', input, '-o', target],
  },
  {
    name: 'patch -o',
    target: 'patched.json',
    inPlace: false,
    args: (input, target) => ['patch', input, EMPTY_PATCH, '-o', target],
  },
  {
    name: 'merge -o',
    target: 'merged.json',
    inPlace: false,
    args: (input, target) => ['merge', input, LAYERED, '--priority', '10', '-o', target],
  },
  {
    name: 'gen -o',
    target: 'generated.json',
    inPlace: false,
    args: (input, target) => ['gen', input, '-o', target],
  },
  {
    name: 'offline enable -o',
    target: 'offline.json',
    inPlace: false,
    args: (input, target) => ['offline', 'enable', input, '-o', target],
  },
  {
    name: 'offline enable --in-place',
    target: 'deployment.json',
    inPlace: true,
    args: (_input, target) => ['offline', 'enable', '--in-place', target],
  },
  {
    name: 'init -o',
    target: 'deployment.json',
    inPlace: false,
    args: (input, target) => ['init', '-t', input === inputs.a ? 'gateway' : 'offline', '-o', target, '--force'],
  },
];

function expectFinished(run: Finished, label: string): void {
  expect(run.signal, `${label}\n${run.stderr}`).toBeNull();
  expect([0, 1], `${label}\n${run.stderr}`).toContain(run.code);
  expect(run.stderr, label).not.toMatch(/internal error/);
}

/** The temporary files in a folder, and anything else besides the target. */
function folderState(folder: string, target: string): { temporary: string[]; others: string[] } {
  const names = readdirSync(folder).filter((name) => name !== target);
  return {
    temporary: names.filter((name) => TEMPORARY.test(name)),
    others: names.filter((name) => !TEMPORARY.test(name)),
  };
}

interface Outputs {
  /** What the target holds before a run. */
  old: Buffer;
  /** What a finished run on input A writes. */
  newA: Buffer;
  /** What a finished run on input B writes (for in-place writers: the same as A). */
  newB: Buffer;
  /** A finished run's time, start-up included: the span random kills are spread over. */
  ms: number;
  /** The exit codes of the finished runs on A and on B, which a run in a pair must end with too. */
  codeA: number | null;
  codeB: number | null;
}

/** Each writer once on A and once on B, in folders of their own: the outputs every later run is compared with. */
async function outputsOf(writer: Writer, label: string): Promise<Outputs> {
  const results: Buffer[] = [];
  const codes: (number | null)[] = [];
  let ms = 0;
  for (const input of [inputs.a, inputs.b]) {
    const folder = join(root, `${label}-calibrate-${results.length}`);
    mkdirSync(folder);
    const target = join(folder, writer.target);
    if (writer.inPlace) copyFileSync(inputs.a, target);
    const run = await runEdgewise(writer.args(input, target), { cwd: folder });
    expectFinished(run, `${writer.name} (a finished run)`);
    expect(folderState(folder, writer.target), `${writer.name}: a finished run leaves only its output`).toEqual({ temporary: [], others: [] });
    results.push(readFileSync(target));
    codes.push(run.code);
    ms = Math.max(ms, run.ms);
  }
  const [newA, newB] = results as [Buffer, Buffer];
  return {
    old: writer.inPlace ? readFileSync(inputs.a) : newB,
    newA,
    newB: writer.inPlace ? newA : newB,
    ms,
    codeA: codes[0]!,
    codeB: codes[1]!,
  };
}

/**
 * When a kill comes: `at random` over the run; `in write`, after the first event in the target's
 * folder (the write begins); `slowed`, the same with every write(2) held back SLOWED_WRITE_MS by
 * strace, so that the kill lands inside the write, not after it.
 */
type KillKind = 'at random' | 'in write' | 'slowed';

/** Starts the writer and kills it `delayMs` after its start, or after the first event in the target's folder. */
async function killedRun(writer: Writer, folder: string, delayMs: number, kind: KillKind): Promise<void> {
  const target = join(folder, writer.target);
  const args = writer.args(inputs.a, target);
  const running = kind === 'slowed' ? startSlowedEdgewise(args, SLOWED_WRITE_MS, { cwd: folder }) : startEdgewise(args, { cwd: folder });
  const kill = (): void => void setTimeout(running.kill, delayMs);
  if (kind === 'at random') kill();
  else {
    const watcher = watch(folder, () => {
      watcher.close();
      kill();
    });
    void running.done.finally(() => watcher.close());
  }
  await running.done;
}

/** How the kills went, for the log: how many left a temporary file (they landed mid-write), and which file they left. */
interface KillTally {
  midWrite: number;
  old: number;
  new: number;
}

function killPlan(): KillKind[] {
  const kinds: KillKind[] = [...Array<KillKind>(KILLS_AT_RANDOM).fill('at random'), ...Array<KillKind>(KILLS_IN_WRITE).fill('in write')];
  return STRACE_WORKS ? [...kinds, ...Array<KillKind>(KILLS_SLOWED).fill('slowed')] : kinds;
}

async function killRepeatedly(writer: Writer, label: string, outputs: Outputs, random: () => number): Promise<KillTally> {
  const tally: KillTally = { midWrite: 0, old: 0, new: 0 };
  for (const [index, kind] of killPlan().entries()) {
    const folder = join(root, `${label}-kill-${index}`);
    mkdirSync(folder);
    const target = join(folder, writer.target);
    writeFileSync(target, outputs.old);
    const delay = kind === 'at random' ? random() * outputs.ms : kind === 'in write' ? random() * WRITE_WINDOW_MS : random() * SLOWED_WRITE_MS;
    await killedRun(writer, folder, delay, kind);
    const left = readFileSync(target);
    const which = left.equals(outputs.old) ? 'old' : left.equals(outputs.newA) ? 'new' : undefined;
    expect(
      which,
      `${writer.name}, killed ${delay.toFixed(0)} ms ${kind === 'at random' ? 'after start' : `after its write began${kind === 'slowed' ? ' (writes slowed)' : ''}`}: ${left.length} bytes, neither the old ${outputs.old.length} nor the new ${outputs.newA.length}`,
    ).toBeDefined();
    tally[which!]++;
    const state = folderState(folder, writer.target);
    expect(state.others, `${writer.name}: files besides the target and a temporary one`).toEqual([]);
    expect(state.temporary.length).toBeLessThanOrEqual(1);
    if (state.temporary.length > 0) tally.midWrite++;
    rmSync(folder, { recursive: true, force: true });
  }
  return tally;
}

/** Which output the second run of a pair writes: the shorter one is what a plain write would leave over the longer's tail. */
type PairOrder = 'shorter second' | 'longer second';

async function twoAtOnce(writer: Writer, label: string, outputs: Outputs, order: PairOrder): Promise<void> {
  const folder = join(root, `${label}-pair-${order.replace(' ', '-')}`);
  mkdirSync(folder);
  const target = join(folder, writer.target);
  writeFileSync(target, outputs.old);
  const aIsShorter = outputs.newA.length < outputs.newB.length;
  const [first, second] = (order === 'shorter second') === aIsShorter ? [inputs.b, inputs.a] : [inputs.a, inputs.b];
  const start = (input: string) =>
    STRACE_WORKS ? startSlowedEdgewise(writer.args(input, target), PAIR_WRITE_MS, { cwd: folder }) : startEdgewise(writer.args(input, target), { cwd: folder });
  const firstRun = start(first);
  await new Promise((resolve) => setTimeout(resolve, STRACE_WORKS ? PAIR_LATER_MS : 0));
  const runs = await Promise.all([firstRun.done, start(second).done]);
  [first, second].forEach((input, index) => {
    const label = `${writer.name} (${order}: the ${index === 0 ? 'first' : 'second'} run, on ${input === inputs.a ? 'A' : 'B'})`;
    expectFinished(runs[index]!, label);
    // A run that read the other's half-written target ends differently from a run alone.
    expect(runs[index]!.code, `${label}\n${runs[index]!.stderr}`).toBe(input === inputs.a ? outputs.codeA : outputs.codeB);
  });
  const left = readFileSync(target);
  expect(left.equals(outputs.newA) || left.equals(outputs.newB), `${writer.name}, two at once (${order}): ${left.length} bytes, neither output (${outputs.newA.length}, ${outputs.newB.length})`).toBe(true);
  expect(folderState(folder, writer.target), `${writer.name}: two finished runs leave only the output`).toEqual({ temporary: [], others: [] });
}

/** Two writers at a time (two cores): each kill is timed from its own run, so sharing the machine changes no result. */
const slots = { free: 2, waiting: [] as (() => void)[] };
async function inSlot<T>(work: () => Promise<T>): Promise<T> {
  if (slots.free === 0) await new Promise<void>((resolve) => slots.waiting.push(resolve));
  else slots.free--;
  try {
    return await work();
  } finally {
    const next = slots.waiting.shift();
    if (next) next();
    else slots.free++;
  }
}

if (!STRACE_WORKS)
  console.warn('atomic writes: strace cannot run here (not installed, or ptrace refused), so no kill is aimed inside a slowed write; the kills at random and at the start of the write still run');

describe(`every file a command writes is the old one or the new one, never cut short (${killPlan().length} kills per command, seed ${SEED}; EDGEWISE_FUZZ_RUNS=N for N times as many)`, () => {
  it.concurrent.each(WRITERS.map((writer, index) => [writer.name, writer, index] as const))(
    '%s',
    async (_name, writer, index) => {
      const label = `w${index}`;
      const { outputs, tally } = await inSlot(async () => {
        const outputs = await outputsOf(writer, label);
        expect(outputs.newA.equals(outputs.old), `${writer.name} must change the file, or the kills prove nothing`).toBe(false);
        return { outputs, tally: await killRepeatedly(writer, label, outputs, seededRandom(SEED + index)) };
      });
      // Outside the slot, both orders at once, in folders of their own: the pairs spend their time held by strace, not working.
      await Promise.all([twoAtOnce(writer, label, outputs, 'shorter second'), twoAtOnce(writer, label, outputs, 'longer second')]);
      console.log(
        `${writer.name}: ${outputs.newA.length} bytes written in a ${outputs.ms.toFixed(0)} ms run; ${tally.midWrite + tally.old + tally.new > 0 ? `kills left the old file ${tally.old}×, the new one ${tally.new}×, ${tally.midWrite} of them mid-write` : 'no kills'}`,
      );
    },
    120_000 * MULTIPLIER,
  );
});

describe('the atomic write helper', () => {
  let folder: string;
  beforeAll(() => {
    folder = join(root, 'helper');
    mkdirSync(folder);
  });

  it("keeps an existing file's mode, and gives a new file the usual one", () => {
    const kept = join(folder, 'kept.json');
    writeFileSync(kept, 'old');
    chmodSync(kept, 0o640);
    writeFileAtomic(kept, 'new');
    expect(readFileSync(kept, 'utf8')).toBe('new');
    expect(statSync(kept).mode & 0o777).toBe(0o640);
    const fresh = join(folder, 'fresh.json');
    writeFileAtomic(fresh, 'x');
    expect(statSync(fresh).mode & 0o777).toBe(0o666 & ~process.umask());
    expect(folderState(folder, 'kept.json').temporary).toEqual([]);
  });

  it('writes through a symbolic link, which stays a link, also one whose file does not exist yet', () => {
    const real = join(folder, 'real.json');
    writeFileSync(real, 'old');
    const link = join(folder, 'link.json');
    symlinkSync('real.json', link);
    writeFileAtomic(link, 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, 'utf8')).toBe('new');
    const dangling = join(folder, 'dangling.json');
    symlinkSync(join('sub', 'later.json'), dangling);
    mkdirSync(join(folder, 'sub'));
    writeFileAtomic(dangling, 'made');
    expect(readlinkSync(dangling)).toBe(join('sub', 'later.json'));
    expect(readFileSync(join(folder, 'sub', 'later.json'), 'utf8')).toBe('made');
  });

  it('writes a file whose name is 255 bytes of UTF-8, the most a name may be (its temporary name is cut by bytes)', () => {
    const name = '\u6f22'.repeat(85); // 3 bytes each
    expect(Buffer.byteLength(name)).toBe(255);
    const target = join(folder, name);
    writeFileAtomic(target, 'new');
    writeFileAtomic(target, 'newer');
    expect(readFileSync(target, 'utf8')).toBe('newer');
    expect(folderState(folder, name).temporary).toEqual([]);
  });

  it.runIf(process.platform !== 'win32')('writes /dev/null as it stands, never replacing it', () => {
    writeFileAtomic('/dev/null', 'report');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it.runIf(process.platform !== 'win32')('a write that fails part way (the file size limit, as on a full disk) leaves the old file and no temporary one, with a one-line error', async () => {
    const target = join(folder, 'limited.yaml');
    writeFileSync(target, 'old: true\n');
    // ulimit -f counts 1024-byte blocks: the converted fleet is megabytes, far over 64 KB.
    const run = await runCommand('sh', ['-c', `ulimit -f 64; exec "${process.execPath}" "${join(ROOT, 'bin', 'edgewise.js')}" convert "${inputs.a}" -o "${target}"`]);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr.trim()).toMatch(/^edgewise: cannot write .*limited\.yaml \(EFBIG\); check the path and the permissions of the file and of its folder$/);
    expect(readFileSync(target, 'utf8')).toBe('old: true\n');
    expect(folderState(folder, 'limited.yaml').temporary).toEqual([]);
  });
});
