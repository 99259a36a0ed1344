// What the hub does with a new $edgeHub desired state from the cloud (a deployment): routes and
// TTL replaced for the next message, without a restart (the store keeps what is queued, with the
// TTL it was stored with). An invalid document is refused and the routes in use are kept, as
// edgeHub does; a twin that was never deployed to (no schemaVersion, routes or store-and-forward
// settings) keeps the manifest's settings rather than emptying the routes.
import { InputError } from '../../errors.js';
import { hubSettingsFromDesired, type HubSettings } from './config/hub-settings.js';

export type DeploymentOutcome = { ok: true } | { ok: false; reason: string };

export interface DeploymentUpdates {
  apply(desired: Record<string, unknown>, version: number): DeploymentOutcome;
  readonly settings: HubSettings;
}

export function deploymentUpdates(initial: HubSettings, router: { update(settings: HubSettings): void }, log: (line: string) => void): DeploymentUpdates {
  let settings = initial;
  return {
    get settings() {
      return settings;
    },
    apply(desired, version) {
      if (desired.routes === undefined && desired.schemaVersion === undefined && desired.storeAndForwardConfiguration === undefined) return { ok: true };
      let next: HubSettings;
      try {
        next = hubSettingsFromDesired(desired, settings);
      } catch (error) {
        if (!(error instanceof InputError)) throw error;
        log(`refused deployment version ${version} of $edgeHub, the routes in use are kept: ${error.message}`);
        return { ok: false, reason: error.message };
      }
      router.update(next);
      settings = next;
      log(`applied deployment version ${version} of $edgeHub: ${next.routes.length} route${next.routes.length === 1 ? '' : 's'}, time to live ${next.timeToLiveSecs} s`);
      return { ok: true };
    },
  };
}
