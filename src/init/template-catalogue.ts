// The bundled templates (templates/*.json) and their parameters. The templates are deployable
// manifests as written; a parameter names a value in its template (its default: a host folder,
// an image) that `edgewise init --set NAME=VALUE` replaces wherever it occurs, and that
// `edgewise init --keep-params` turns into a ${NAME} placeholder for `edgewise gen` to fill.
// A test checks that every template file is listed here and every default occurs in its template.
import { fileURLToPath } from 'node:url';

export interface TemplateParameter {
  name: string;
  /** The value as the template holds it; every occurrence in a string (createOptions included) is the parameter. */
  default: string;
  description: string;
}

export interface TemplateEntry {
  name: string;
  file: string;
  description: string;
  parameters: TemplateParameter[];
}

/** templates/ beside src/ (from src/init/) and beside dist/ (from dist/bin/ or dist/init/). */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

export const DEFAULT_TEMPLATE = 'minimal';

export const TEMPLATES: readonly TemplateEntry[] = [
  {
    name: 'minimal',
    file: 'minimal.json',
    description: 'edgeAgent and edgeHub only, UpstreamProtocol Mqtt on both, messages from child devices to the cloud',
    parameters: [],
  },
  {
    name: 'offline',
    file: 'offline.json',
    description: 'long offline periods: UpstreamProtocol Mqtt on both system modules, a 24-hour TTL, and host folders for edgeHub and edgeAgent storage',
    parameters: [
      {
        name: 'EDGEHUB_STORAGE_PATH',
        default: '/srv/iotedge/edgehub',
        description: 'host folder for edgeHub messages stored offline (owner UID 13623 for edgeHub 1.3 and later)',
      },
      {
        name: 'EDGEAGENT_STORAGE_PATH',
        default: '/srv/iotedge/edgeagent',
        description: 'host folder for edgeAgent state (owner UID 13622 for edgeAgent 1.3 and later)',
      },
    ],
  },
  {
    name: 'gateway',
    file: 'gateway.json',
    description: 'transparent gateway for child devices: ports 8883 (MQTT), 443 (HTTPS, MQTT/AMQP over WebSockets) and 5671 (AMQP) bound, child messages routed upstream',
    parameters: [],
  },
  {
    name: 'sensor-pipeline',
    file: 'sensor-pipeline.json',
    description: 'the simulated temperature sensor feeding a filter module, whose output goes upstream',
    parameters: [
      {
        name: 'MODULES.filtermodule',
        default: 'localhost:5000/filtermodule:0.0.1-amd64',
        // The default is the tag iotedgedev and `edgewise gen` give repository localhost:5000/filtermodule, version 0.0.1, on amd64.
        description: 'filter module image; with --keep-params, `edgewise gen` takes it from modules/filtermodule/module.json',
      },
    ],
  },
];

export function findTemplate(name: string): TemplateEntry | undefined {
  return TEMPLATES.find((entry) => entry.name === name);
}
