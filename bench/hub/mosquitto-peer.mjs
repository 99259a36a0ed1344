// mosquitto as a peer the scenarios drive (see scenarios.mjs for the interface): a fresh broker
// and database per instance, messages queued for an offline durable subscriber, drained when
// it comes back.
import fs from 'node:fs';
import path from 'node:path';
import { drainDurableSubscriber, registerDurableSubscriber, startMosquitto } from './mosquitto.mjs';
import { freePort } from './processes.mjs';

export function mosquittoPeer({ binary, autosave, certificates, tempRoot }) {
  let instances = 0;
  return {
    name: `mosquitto-${autosave}`,
    label: autosave === 'periodic' ? 'mosquitto, persistence (autosave 1800 s)' : 'mosquitto, persistence (autosave on every change)',
    async open() {
      const folder = fs.mkdtempSync(path.join(tempRoot, `m${instances++}-`));
      const port = await freePort();
      const start = () => startMosquitto({ binary, folder, port, certificates, autosave });
      let broker = await start();
      try {
        await registerDurableSubscriber(broker);
      } catch (error) {
        await broker.kill();
        throw error;
      }
      const instance = {
        get pid() {
          return broker.pid;
        },
        url: broker.url,
        ca: certificates.ca,
        folder,
        clients: (count) => Array.from({ length: count }, (_, i) => ({ clientId: `bench-publisher-${i}`, topic: `devices/bench-publisher-${i}/messages/events/` })),
        drain: ({ tag, expected, quietMs }) => drainDurableSubscriber(broker, { tag, expected, quietMs }),
        // The subscriber left with its session kept (clean session off): mosquitto queues again.
        requeue: async () => {},
        kill: () => broker.kill(),
        async restart() {
          broker = await start();
        },
        async close() {
          await broker.stop();
          fs.rmSync(folder, { recursive: true, force: true });
        },
      };
      return instance;
    },
  };
}
