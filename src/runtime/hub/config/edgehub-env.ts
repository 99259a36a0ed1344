// edgeHub's environment as the manifest sets it: UpstreamProtocol and StorageFolder.
// UpstreamProtocol is read case-insensitively and an unknown value is ignored (edge-hub
// DependencyManager.GetUpstreamProtocol); edgeAgent passes its own valid value to an edgeHub
// that sets none (edge-agent CreateOrUpdateCommand). Both facts are in src/rules/upstream-protocol.ts.
import { InputError } from '../../../errors.js';
import { findEnv } from '../../../manifest/manifest-views.js';
import type { NormalizedManifest } from '../../../manifest/normalize-manifest.js';
import { runtimeModules, storageFolderOf } from '../../../manifest/docker/storage-folder.js';
import { canonicalProtocol } from '../../../manifest/upstream-protocols.js';

/**
 * The protocol the hub speaks upstream. Without a value edgeHub uses AMQP; this reference hub
 * speaks only MQTT upstream, so an unset (or ignored) value means Mqtt here, and an explicit
 * Amqp/AmqpWs is refused rather than silently replaced.
 */
export function upstreamProtocolSetting(manifest: NormalizedManifest): 'Mqtt' | 'MqttWs' {
  const protocol = envOf(manifest, 'edgeHub') ?? envOf(manifest, 'edgeAgent') ?? 'Mqtt';
  if (protocol === 'Mqtt' || protocol === 'MqttWs') return protocol;
  throw new InputError(`edgeHub's UpstreamProtocol is ${protocol}, but the reference hub speaks MQTT upstream; set UpstreamProtocol to Mqtt or MqttWs.`, 'unsupported-upstream-protocol');
}

function envOf(manifest: NormalizedManifest, name: 'edgeHub' | 'edgeAgent'): string | undefined {
  const module = runtimeModules(manifest).find((found) => found.name === name)?.module;
  return module ? canonicalProtocol(findEnv(module.definition, module.pointer, 'UpstreamProtocol')?.value) : undefined;
}

/** edgeHub's StorageFolder (env or createOptions Env), when set to a string. */
export function storageFolderSetting(manifest: NormalizedManifest): string | undefined {
  const hub = runtimeModules(manifest).find((found) => found.name === 'edgeHub')?.module;
  return hub ? storageFolderOf(manifest, hub)?.value : undefined;
}
