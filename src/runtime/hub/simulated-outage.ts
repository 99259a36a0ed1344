// `edgewise hub upstream cut|restore`: an outage simulated on a running hub. It is kept in the
// store's settings, so a hub restarted (even after SIGKILL) during a simulated outage comes back
// still cut, as it would during a real one: an outage does not end because the hub restarted.
// The flag is written before cut() returns and removed before restore() returns.
import type { UpstreamState } from './hub-types.js';

const CUT_SETTING = 'upstream-cut';

export class SimulatedOutage {
  constructor(
    private readonly link: { readonly state: UpstreamState; cut(): void; restore(): void },
    private readonly settings: { get(key: string): unknown; put(key: string, value: unknown): Promise<void>; remove(key: string): Promise<void> },
  ) {}

  /** Whether the last run left the upstream cut. */
  get persisted(): boolean {
    return this.settings.get(CUT_SETTING) === true;
  }

  async cut(): Promise<void> {
    this.link.cut();
    await this.settings.put(CUT_SETTING, true);
  }

  async restore(): Promise<void> {
    await this.settings.remove(CUT_SETTING);
    this.link.restore();
  }
}
