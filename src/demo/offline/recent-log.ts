// The last lines the hub, the agent and the child device logged. The narration does not show
// them (they would bury it); a failed check is reported with them, so its cause can be read.
export class RecentLog {
  private readonly lines: string[] = [];

  constructor(private readonly keep: number) {}

  add(line: string): void {
    this.lines.push(`${new Date().toISOString()} ${line}`);
    if (this.lines.length > this.keep) this.lines.shift();
  }

  all(): string[] {
    return [...this.lines];
  }
}
