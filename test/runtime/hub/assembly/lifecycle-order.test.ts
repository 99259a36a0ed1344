// The order in which startHub starts and close() stops the parts, recorded by wrapping each part
// (vi.mock around the real modules; the hub runs for real, offline): both listeners are bound
// before anything talks to the cloud, so a start refused there (a port in use) made no link, no
// scope refresher, and logged nothing after its error; close() stops taking work (listeners)
// before it stops doing it (cleanup, pump, twin watch, refresher, link).
import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { startHub } from '../../../../src/runtime/hub/start-hub.js';
import { hubManifest, removeTempFolders, STANDARD_ROUTES, tempFolder } from './hub-support.js';

const events = vi.hoisted(() => [] as string[]);

vi.mock('../../../../src/runtime/hub/downstream/hub-mqtt-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/downstream/hub-mqtt-server.js')>();
  return {
    ...real,
    startHubMqttServer: async (...args: Parameters<typeof real.startHubMqttServer>) => {
      const server = await real.startHubMqttServer(...args);
      events.push('mqtt listening');
      const close = server.close.bind(server);
      return Object.assign(server, { close: () => (events.push('mqtt close'), close()) });
    },
  };
});

vi.mock('../../../../src/runtime/hub/gateway-https/gateway-https-server.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/gateway-https/gateway-https-server.js')>();
  return {
    ...real,
    startGatewayHttpsServer: async (...args: Parameters<typeof real.startGatewayHttpsServer>) => {
      const server = await real.startGatewayHttpsServer(...args);
      events.push('https listening');
      const close = server.close.bind(server);
      return { ...server, close: () => (events.push('https close'), close()) };
    },
  };
});

vi.mock('../../../../src/runtime/hub/upstream/upstream-link.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/upstream/upstream-link.js')>();
  return {
    ...real,
    createUpstreamLink: (...args: Parameters<typeof real.createUpstreamLink>) => {
      events.push('link created');
      const link = real.createUpstreamLink(...args);
      const close = link.close.bind(link);
      link.close = () => (events.push('link close'), close());
      return link;
    },
  };
});

vi.mock('../../../../src/runtime/hub/identity/scope-refresher.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/identity/scope-refresher.js')>();
  class RecordedRefresher extends real.ScopeRefresher {
    override start(): void {
      events.push('refresher start');
      super.start();
    }
    override stop(): Promise<void> {
      events.push('refresher stop');
      return super.stop();
    }
  }
  return { ...real, ScopeRefresher: RecordedRefresher };
});

vi.mock('../../../../src/runtime/hub/upstream/upstream-pump.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/upstream/upstream-pump.js')>();
  class RecordedPump extends real.UpstreamPump {
    override stop(): Promise<void> {
      events.push('pump stop');
      return super.stop();
    }
  }
  return { ...real, UpstreamPump: RecordedPump };
});

vi.mock('../../../../src/runtime/hub/expiry-cleanup.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/expiry-cleanup.js')>();
  class RecordedCleanup extends real.ExpiryCleanup {
    override stop(): Promise<void> {
      events.push('cleanup stop');
      return super.stop();
    }
  }
  return { ...real, ExpiryCleanup: RecordedCleanup };
});

vi.mock('../../../../src/runtime/hub/upstream/edge-twin-watch.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/runtime/hub/upstream/edge-twin-watch.js')>();
  return {
    ...real,
    watchEdgeHubTwin: (...args: Parameters<typeof real.watchEdgeHubTwin>) => {
      const stop = real.watchEdgeHubTwin(...args);
      return () => (events.push('twin watch stop'), stop());
    },
  };
});

/** No cloud listens here: the hub runs offline. */
const OFFLINE_CS = 'HostName=127.0.0.1:9;DeviceId=edge;SharedAccessKey=' + Buffer.alloc(32, 1).toString('base64');
const servers: Server[] = [];

afterEach(async () => {
  events.length = 0;
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

afterAll(() => removeTempFolders());

async function options(log: string[]) {
  return {
    dataFolder: tempFolder(),
    manifest: await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }),
    connectionString: OFFLINE_CS,
    cloudHttpsPort: 9,
    mqttPort: 0,
    httpsPort: 0,
    log: (line: string) => log.push(line),
  };
}

describe('startHub and close order', () => {
  it('binds both listeners before it makes the link and starts the scope refresher', async () => {
    const hub = await startHub(await options([]));
    try {
      expect(events.indexOf('https listening')).toBeGreaterThan(events.indexOf('mqtt listening'));
      expect(events.indexOf('link created')).toBeGreaterThan(events.indexOf('https listening'));
      expect(events.indexOf('refresher start')).toBeGreaterThan(events.indexOf('https listening'));
    } finally {
      await hub.close();
    }
  });

  it('refused at a port in use, it has made nothing that talks to the cloud and logged nothing', async () => {
    const busy = createServer();
    servers.push(busy);
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const log: string[] = [];
    await expect(startHub({ ...(await options(log)), httpsPort: port })).rejects.toThrow(`127.0.0.1:${port} is in use`);
    expect(events).toEqual(['mqtt listening', 'mqtt close']);
    expect(log).toEqual([]);
  });

  it('on close, stops both listeners before the cleanup, the pump, the twin watch, the refresher and the link', async () => {
    const hub = await startHub(await options([]));
    events.length = 0;
    await hub.close();
    const listenersClosed = Math.max(events.indexOf('mqtt close'), events.indexOf('https close'));
    expect(events.indexOf('mqtt close')).toBeGreaterThanOrEqual(0);
    expect(events.indexOf('https close')).toBeGreaterThanOrEqual(0);
    for (const later of ['cleanup stop', 'pump stop', 'twin watch stop', 'refresher stop', 'link close']) {
      expect(events.indexOf(later), `${later} after the listeners (${events.join(', ')})`).toBeGreaterThan(listenersClosed);
    }
  });
});
