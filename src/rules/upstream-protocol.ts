// UpstreamProtocol on edgeHub and edgeAgent: what each one does with it, and the combinations
// that really fail. Facts (iotedge source):
// - Both parse it case-insensitively as Amqp, AmqpWs, Mqtt or MqttWs; another value is ignored
//   (edge-agent UpstreamProtocolHelper, edge-hub DependencyManager.GetUpstreamProtocol).
// - edgeAgent without a value tries AMQP, then AMQP over WebSockets (ModuleClientProvider).
// - edgeHub without a value uses AMQP over TCP only, no fallback (CloudConnectionProvider).
// - edgeAgent passes its own valid value to every module it creates whose env has none,
//   edgeHub included (CreateOrUpdateCommand), so setting it on edgeAgent alone is enough.
// - Ports: Amqp 5671, Mqtt 8883, AmqpWs and MqttWs 443 (edge-agent Program.cs offline check).
// So: edgeHub on Mqtt with edgeAgent unset fails where only 8883 is open; two different values
// fail where only one of their ports is open; anything else connects.
import { appendPointer } from '../manifest/json-pointer.js';
import { findEnv, type EnvVarView } from '../manifest/manifest-views.js';
import type { AgentModule } from '../manifest/agent-modules.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { canonicalProtocol, UPSTREAM_PROTOCOLS } from '../manifest/upstream-protocols.js';
import { suggestClosest } from '../schema/suggest-closest.js';
import type { Fix, Rule, RuleReport, Suggestion } from './rule.js';

const PORTS: Record<string, number> = { Amqp: 5671, AmqpWs: 443, Mqtt: 8883, MqttWs: 443 };

function systemModule(modules: readonly AgentModule[], name: string): AgentModule | undefined {
  return modules.find((module) => module.kind === 'system' && module.name === name);
}

function setEnv(module: AgentModule, existing: EnvVarView | undefined, value: string): Fix {
  return existing
    ? { edits: [{ op: 'set', pointer: appendPointer(existing.pointer, 'value'), value }] }
    : { edits: [{ op: 'set', pointer: appendPointer(module.pointer, 'env', 'UpstreamProtocol'), value: { value } }] };
}

export const upstreamProtocol: Rule = {
  meta: {
    id: 'upstream-protocol',
    defaultSeverity: 'error',
    description: 'UpstreamProtocol must be Amqp, AmqpWs, Mqtt or MqttWs; edgeHub and edgeAgent must be able to reach IoT Hub over the same port.',
    fixable: true,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/production-checklist (configure upstream protocol on both edgeAgent and edgeHub)',
        'iotedge edge-agent UpstreamProtocol.cs and edge-hub DependencyManager.cs: the value is parsed case-insensitively; other values are ignored',
        'iotedge edge-agent ModuleClientProvider.cs: without a value, edgeAgent tries Amqp, then AmqpWs',
        'iotedge edge-hub CloudConnectionProvider.GetTransportSettings: without a value, edgeHub uses AMQP over TCP only',
        'iotedge edge-agent CreateOrUpdateCommand.cs: edgeAgent adds its own UpstreamProtocol to the env of each module it creates that sets none',
        'iotedge edge-agent Program.cs: ports 5671 (Amqp), 8883 (Mqtt), 443 (AmqpWs, MqttWs)',
      ],
    },
    messages: {
      invalidHub:
        'edgeHub sets UpstreamProtocol to "{{value}}", which is not Amqp, AmqpWs, Mqtt or MqttWs; edgeHub ignores it and connects with AMQP over TCP (port 5671) only, and edgeAgent no longer passes on its own value; use one of the four',
      invalidAgent:
        'edgeAgent sets UpstreamProtocol to "{{value}}", which is not Amqp, AmqpWs, Mqtt or MqttWs; edgeAgent ignores it, tries AMQP (port 5671) and then AmqpWs (port 443), and passes no value on to the modules it starts; use one of the four',
      agentUnset:
        'edgeHub uses UpstreamProtocol=Mqtt (port 8883) but edgeAgent sets none, so edgeAgent tries AMQP (port 5671), then AmqpWs (port 443); where the network opens only 8883, edgeAgent cannot reach IoT Hub and no deployment is applied; set UpstreamProtocol=Mqtt on edgeAgent too (edgeAgent then also passes it to edgeHub)',
      mismatch:
        'edgeHub uses UpstreamProtocol={{hub}} (port {{hubPort}}) but edgeAgent uses {{agent}} (port {{agentPort}}); where the network opens only one of these ports, one of them cannot reach IoT Hub; use the same protocol on both',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    const hub = systemModule(manifest.modules, 'edgeHub');
    const agent = systemModule(manifest.modules, 'edgeAgent');
    const hubEnv = hub ? findEnv(hub.definition, hub.pointer, 'UpstreamProtocol') : undefined;
    const agentEnv = agent ? findEnv(agent.definition, agent.pointer, 'UpstreamProtocol') : undefined;
    // A placeholder is filled in later (unresolved-placeholder reports it in manifests).
    const isPlaceholder = (env: EnvVarView | undefined) => typeof env?.value === 'string' && holdsPlaceholder(env.value);
    if (isPlaceholder(hubEnv) || isPlaceholder(agentEnv)) return reports;

    const invalid = (messageId: string, module: AgentModule | undefined, env: EnvVarView | undefined): boolean => {
      if (!module || !env || canonicalProtocol(env.value)) return false;
      const closest = typeof env.value === 'string' ? suggestClosest(env.value.trim(), UPSTREAM_PROTOCOLS) : undefined;
      const suggestions: Suggestion[] = closest ? [{ description: `use ${closest}`, fix: setEnv(module, env, closest) }] : [];
      reports.push({ messageId, data: { value: String(env.value) }, pointer: appendPointer(env.pointer, 'value'), severity: 'error', suggestions });
      return true;
    };
    const hubInvalid = invalid('invalidHub', hub, hubEnv);
    const agentInvalid = invalid('invalidAgent', agent, agentEnv);
    if (hubInvalid || agentInvalid || !hub || !agent) return reports;

    const hubValue = canonicalProtocol(hubEnv?.value);
    const agentValue = canonicalProtocol(agentEnv?.value);
    if (hubEnv && hubValue === 'Mqtt' && !agentEnv) {
      // Copying edgeHub's explicit choice to edgeAgent chooses nothing new: a fix, not a suggestion.
      reports.push({ messageId: 'agentUnset', pointer: hubEnv.pointer, anchor: 'key', severity: 'warning', fix: setEnv(agent, undefined, 'Mqtt') });
    } else if (hubEnv && agentEnv && hubValue && agentValue && PORTS[hubValue] !== PORTS[agentValue]) {
      // Which of the two protocols the network allows only the user knows.
      reports.push({
        messageId: 'mismatch',
        data: { hub: hubValue, agent: agentValue, hubPort: PORTS[hubValue]!, agentPort: PORTS[agentValue]! },
        pointer: appendPointer(agentEnv.pointer, 'value'),
        severity: 'warning',
        suggestions: [
          { description: `use ${hubValue} on edgeAgent too`, fix: setEnv(agent, agentEnv, hubValue) },
          { description: `use ${agentValue} on edgeHub too`, fix: setEnv(hub, hubEnv, agentValue) },
        ],
      });
    }
    return reports;
  },
};
