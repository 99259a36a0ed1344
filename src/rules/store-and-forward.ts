// How long edgeHub keeps messages it cannot deliver (FACTS.md §3). A message expires when
// now - enqueueTime >= TTL, so a TTL of 0 or a few seconds loses everything sent while the
// device is offline; a negative TTL means forever. A route's own timeToLiveSecs (hub 1.1)
// overrides the global one for that route; 0 there means "inherit".
// A missing storeAndForwardConfiguration under hub 1.1+ is found by the schema check while
// loading; this rule reports it in the schema's words (its `schema` message).
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf, listRoutes, schemaVersionOf } from '../manifest/manifest-views.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { withLoadedReports, type Rule, type RuleReport } from './rule.js';

/** Under this many seconds, stored messages expire before most outages end. */
const SHORT_TTL_SECS = 60;
const SAF = 'storeAndForwardConfiguration';

interface GlobalTtl {
  value: number;
  pointer: string;
}

/** The global TTL, written in full or as a layered (flattened) key. */
function globalTtl(manifest: NormalizedManifest): GlobalTtl | undefined {
  const desired = desiredOf(manifest, '$edgeHub');
  if (desired) {
    const config = desired.value[SAF];
    if (isPlainObject(config) && typeof config.timeToLiveSecs === 'number') {
      return { value: config.timeToLiveSecs, pointer: appendPointer(desired.pointer, SAF, 'timeToLiveSecs') };
    }
    return undefined;
  }
  const hub = manifest.located.modulesContent?.$edgeHub;
  if (!isPlainObject(hub)) return undefined;
  const hubPointer = appendPointer(manifest.located.pointer, '$edgeHub');
  const flatTtl = hub[`properties.desired.${SAF}.timeToLiveSecs`];
  if (typeof flatTtl === 'number') return { value: flatTtl, pointer: appendPointer(hubPointer, `properties.desired.${SAF}.timeToLiveSecs`) };
  const flatConfig = hub[`properties.desired.${SAF}`];
  if (isPlainObject(flatConfig) && typeof flatConfig.timeToLiveSecs === 'number') {
    return { value: flatConfig.timeToLiveSecs, pointer: appendPointer(hubPointer, `properties.desired.${SAF}`, 'timeToLiveSecs') };
  }
  return undefined;
}

export const storeAndForward: Rule = {
  meta: {
    id: 'store-and-forward',
    defaultSeverity: 'error',
    description: 'storeAndForwardConfiguration missing under $edgeHub 1.1+ (error, found by the schema), a time to live so short that messages sent while offline expire at once (warning), a route TTL that outlives the global one, or no TTL at all (info).',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-edgeagent-edgehub (storeAndForwardConfiguration.timeToLiveSecs; route timeToLiveSecs overrides it, schema 1.1)',
        'https://learn.microsoft.com/azure/iot-edge/offline-capabilities (messages are kept for timeToLiveSecs, 7200 s by default)',
        'iotedge edge-hub StoreAndForwardConfiguration.cs: a negative timeToLiveSecs means TimeSpan.MaxValue (no expiry)',
      ],
    },
    messages: {
      schema: '{{description}}',
      shortTtl: 'storeAndForwardConfiguration.timeToLiveSecs is {{ttl}} s, so messages that edgeHub stores while the device is offline expire almost at once and are never delivered; use a longer time such as 7200 (the documented default), or -1 to keep them until delivered',
      shortRouteTtl: 'route "{{route}}" keeps undelivered messages for only {{ttl}} s, so they expire almost at once while the device is offline; raise its timeToLiveSecs, or set 0 to use the global storeAndForwardConfiguration.timeToLiveSecs',
      routeLonger: 'route "{{route}}" keeps undelivered messages for {{routeTtl}} s, longer than the global storeAndForwardConfiguration.timeToLiveSecs of {{globalTtl}} s; the route\'s value wins for this route, so make sure the disk can hold its messages for that long',
      missingTtl: '$edgeHub sets no storeAndForwardConfiguration.timeToLiveSecs; the docs give 7200 s (2 hours) as the default, but set it explicitly so how long messages are kept offline is a decision',
    },
  },
  check(manifest, loaded) {
    return withLoadedReports(loaded, 'store-and-forward', ownReports(manifest));
  },
};

function ownReports(manifest: NormalizedManifest): RuleReport[] {
  const reports: RuleReport[] = [];
  const global = globalTtl(manifest);
  if (global && global.value >= 0 && global.value < SHORT_TTL_SECS) {
    reports.push({ messageId: 'shortTtl', data: { ttl: global.value }, pointer: global.pointer, severity: 'warning' });
  }

  // Hub 1.0 may leave storeAndForwardConfiguration out; any version may leave out its TTL.
  const desired = desiredOf(manifest, '$edgeHub');
  const config = desired?.value[SAF];
  const version = schemaVersionOf(manifest, '$edgeHub');
  if (desired && !global && (isPlainObject(config) || (version !== undefined && /^1\.0(\.|$)/.test(version)))) {
    reports.push({ messageId: 'missingTtl', pointer: isPlainObject(config) ? appendPointer(desired.pointer, SAF) : desired.pointer, anchor: 'key', severity: 'info' });
  }

  for (const route of listRoutes(manifest)) {
    const ttl = route.timeToLiveSecs;
    if (ttl === undefined || ttl <= 0) continue; // 0 inherits the global value
    const pointer = appendPointer(route.pointer, 'timeToLiveSecs');
    if (ttl < SHORT_TTL_SECS) {
      reports.push({ messageId: 'shortRouteTtl', data: { route: route.name, ttl }, pointer, severity: 'warning' });
    } else if (global && global.value > 0 && ttl > global.value) {
      reports.push({ messageId: 'routeLonger', data: { route: route.name, routeTtl: ttl, globalTtl: global.value }, pointer, severity: 'info' });
    }
  }
  return reports;
}
