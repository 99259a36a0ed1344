// Whether a person watches the output, so that it may redraw a line (a progress bar, the demo's
// live counters): both streams are terminals, not CI, and the terminal can redraw.
export interface OutputStreams {
  stdout: { isTTY?: boolean };
  stderr: NodeJS.WriteStream;
}

/** A person watches the output: both streams are terminals that can redraw a line, and this is not CI. */
export function watchedTerminal(streams: OutputStreams, env: NodeJS.ProcessEnv): boolean {
  return Boolean(streams.stdout.isTTY) && Boolean(streams.stderr.isTTY) && !runsInCi(env) && env.TERM !== 'dumb';
}

/** CI services set CI (GitHub Actions, GitLab, CircleCI, Travis, Buildkite…); CI=false or 0 is a person turning that off. */
function runsInCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== 'false' && value !== '0';
}
