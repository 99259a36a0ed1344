// Waiting for a condition in tests: poll until the probe gives a value (anything but undefined,
// null or false), and fail naming what was awaited after a deadline that is a hang guard, never a
// speed claim (generous for a busy 2-core machine).
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, deadlineMs = 20_000, pollMs = 20): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
