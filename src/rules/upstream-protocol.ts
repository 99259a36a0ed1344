// UpstreamProtocol on edgeHub and edgeAgent. Facts (iotedge DependencyManager.cs, FACTS.md §2):
// both modules read it, case-insensitively, as Amqp, AmqpWs, Mqtt or MqttWs; a bad value is
// silently ignored and the default (AMQP, falling back to AmqpWs) is used instead.
import { appendPointer } from '../manifest/json-pointer.js';
import { findEnv, type EnvVarView } from '../manifest/manifest-views.js';
import type { AgentModule } from '../manifest/agent-modules.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import type { Rule, RuleReport } from './rule.js';

export const UPSTREAM_PROTOCOLS = ['Amqp', 'AmqpWs', 'Mqtt', 'MqttWs'];

function canonical(value: unknown): string | undefined {
  return typeof value === 'string' ? UPSTREAM_PROTOCOLS.find((protocol) => protocol.toLowerCase() === value.trim().toLowerCase()) : undefined;
}

function systemModule(modules: readonly AgentModule[], name: string): AgentModule | undefined {
  return modules.find((module) => module.kind === 'system' && module.name === name);
}

export const upstreamProtocol: Rule = {
  meta: {
    id: 'upstream-protocol',
    defaultSeverity: 'error',
    description: 'UpstreamProtocol must be Amqp, AmqpWs, Mqtt or MqttWs, and should be the same on edgeHub and edgeAgent.',
    fixable: true,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/production-checklist (configure upstream protocol on both edgeAgent and edgeHub)',
        'iotedge edge-hub/core/src/.../DependencyManager.cs: UpstreamProtocol parsed case-insensitively; invalid values are ignored',
      ],
    },
    messages: {
      invalid: '{{module}} sets UpstreamProtocol to "{{value}}", which the runtime silently ignores (it falls back to AMQP, then AmqpWs); use Amqp, AmqpWs, Mqtt or MqttWs',
      onlyOne: '{{module}} sets UpstreamProtocol={{value}} but {{other}} does not, so {{other}} may use another protocol and fail where the network only allows {{value}}; set it on both',
      mismatch: 'edgeHub uses UpstreamProtocol={{hub}} but edgeAgent uses {{agent}}; use the same protocol on both, as the network usually allows only one',
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

    const invalid = (module: string, env: EnvVarView | undefined): boolean => {
      if (!env || canonical(env.value)) return false;
      reports.push({ messageId: 'invalid', data: { module, value: String(env.value) }, pointer: appendPointer(env.pointer, 'value'), severity: 'error' });
      return true;
    };
    const hubInvalid = invalid('edgeHub', hubEnv);
    const agentInvalid = invalid('edgeAgent', agentEnv);
    if (hubInvalid || agentInvalid) return reports;

    const setOn = (module: AgentModule, value: string) => ({ edits: [{ op: 'set' as const, pointer: appendPointer(module.pointer, 'env', 'UpstreamProtocol'), value: { value } }] });
    if (hubEnv && !agentEnv && agent) {
      const value = canonical(hubEnv.value)!;
      reports.push({ messageId: 'onlyOne', data: { module: 'edgeHub', other: 'edgeAgent', value }, pointer: hubEnv.pointer, anchor: 'key', severity: 'warning', fix: setOn(agent, value) });
    } else if (agentEnv && !hubEnv && hub) {
      const value = canonical(agentEnv.value)!;
      reports.push({ messageId: 'onlyOne', data: { module: 'edgeAgent', other: 'edgeHub', value }, pointer: agentEnv.pointer, anchor: 'key', severity: 'warning', fix: setOn(hub, value) });
    } else if (hubEnv && agentEnv && agent && canonical(hubEnv.value) !== canonical(agentEnv.value)) {
      const value = canonical(hubEnv.value)!;
      reports.push({
        messageId: 'mismatch',
        data: { hub: value, agent: canonical(agentEnv.value)! },
        pointer: appendPointer(agentEnv.pointer, 'value'),
        severity: 'warning',
        fix: { edits: [{ op: 'set', pointer: appendPointer(agentEnv.pointer, 'value'), value }] },
      });
    }
    return reports;
  },
};
