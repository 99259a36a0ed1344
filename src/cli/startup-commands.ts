// Which invocations run from the start-up bundle: the manifest commands, where starting Node and
// edgewise is most of a pre-commit run's time. The runtime commands (run, logs, cloud, hub: servers
// with native modules and worker threads) and any command added later keep the ES module build;
// the bundle holds none of the runtime (scripts/build.mjs stubs it out).
const BUNDLED_COMMANDS = new Set(['validate', 'lint', 'init', 'gen', 'offline', 'convert', 'diff', 'patch', 'merge', 'rules']);
/** Program-level help and version need no command code. */
const PROGRAM_OPTIONS = new Set(['-h', '--help', '-V', '--version']);

/** `args` are the arguments after the script (process.argv.slice(2)). */
export function runsFromStartupBundle(args: readonly string[]): boolean {
  const first = args[0];
  if (first === undefined || PROGRAM_OPTIONS.has(first)) return true;
  return BUNDLED_COMMANDS.has(first);
}
