// Stand-ins for the twin tests: an upstream link whose "cloud" keeps twins in memory with IoT
// Hub's versioning (each section's $version grows by one per change), and a records table kept in
// memory whose writes resolve a turn later, like a real commit.
import { identityKey, type ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import type { UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import { applyPatch, patchContent, type Json } from '../../../../src/runtime/hub/upstream/twin-patches.js';
import type { Records } from '../../../../src/runtime/store/records.js';
import type { TwinRequest, TwinResponse, UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

type Properties = Json & { $version: number };

export class MemoryRecords implements Records<unknown> {
  readonly values = new Map<string, unknown>();
  writes = 0;

  get(key: string): unknown {
    return structuredClone(this.values.get(key));
  }

  entries(): [string, unknown][] {
    return [...this.values].map(([key, value]) => [key, structuredClone(value)]);
  }

  async put(key: string, value: unknown): Promise<void> {
    const copy = structuredClone(value);
    await new Promise((resolve) => setImmediate(resolve));
    this.values.set(key, copy);
    this.writes += 1;
  }

  async remove(key: string): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    this.values.delete(key);
  }

  async replaceAll(entries: Iterable<[string, unknown]>): Promise<void> {
    const fresh = [...entries].map(([key, value]) => [key, structuredClone(value)] as const);
    await new Promise((resolve) => setImmediate(resolve));
    this.values.clear();
    for (const [key, value] of fresh) this.values.set(key, value);
  }
}

type DesiredListener = (patch: Record<string, unknown>, version: number) => void;

export class FakeLink implements UpstreamLink {
  state: UpstreamState = 'connected';
  readonly cloud = new Map<string, { desired: Properties; reported: Properties }>();
  readonly requests: { key: string; request: TwinRequest }[] = [];
  /** Answers the next patch requests with these statuses instead of applying them. */
  readonly patchStatuses: number[] = [];
  /** When set, twin requests wait until it resolves. */
  hold: Promise<void> | undefined;
  private readonly stateListeners = new Set<(state: UpstreamState) => void>();
  private readonly desiredListeners = new Map<string, Set<DesiredListener>>();

  twin(key: string): { desired: Properties; reported: Properties } {
    let twin = this.cloud.get(key);
    if (!twin) {
      twin = { desired: { $version: 1 }, reported: { $version: 1 } };
      this.cloud.set(key, twin);
    }
    return twin;
  }

  setState(state: UpstreamState): void {
    this.state = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }

  /** A service-side desired change; pushed to subscribers only while connected (IoT Hub keeps no notification). */
  patchDesired(key: string, patch: Json): number {
    const twin = this.twin(key);
    twin.desired = { ...applyPatch(twin.desired, patch), $version: twin.desired.$version + 1 };
    if (this.state === 'connected') {
      for (const listener of this.desiredListeners.get(key) ?? []) listener({ ...structuredClone(patch), $version: twin.desired.$version }, twin.desired.$version);
    }
    return twin.desired.$version;
  }

  desiredSubscribers(key: string): number {
    return this.desiredListeners.get(key)?.size ?? 0;
  }

  onStateChange(listener: (state: UpstreamState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  cut(): void {
    this.setState('cut');
  }

  restore(): void {
    this.setState('connected');
  }

  async sendTelemetry(): Promise<void> {
    throw new Error('not used by the twin tests');
  }

  async twinRequest(identity: ClientIdentity, request: TwinRequest): Promise<TwinResponse> {
    const key = identityKey(identity);
    this.requests.push({ key, request: structuredClone(request) });
    if (this.hold) await this.hold;
    if (this.state !== 'connected') throw new Error(`upstream ${this.state}`);
    const twin = this.twin(key);
    if (request.kind === 'get') return { status: 200, body: structuredClone({ desired: twin.desired, reported: twin.reported }) };
    const status = this.patchStatuses.shift();
    if (status !== undefined) return { status, body: { errorCode: status * 1000, message: 'refused by the test' } };
    twin.reported = { ...applyPatch(twin.reported, patchContent(request.patch as Json)), $version: twin.reported.$version + 1 };
    return { status: 204, body: '', version: twin.reported.$version };
  }

  onDesiredPatch(identity: ClientIdentity, listener: DesiredListener): () => void {
    const key = identityKey(identity);
    let listeners = this.desiredListeners.get(key);
    if (!listeners) {
      listeners = new Set();
      this.desiredListeners.set(key, listeners);
    }
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  onMethod(): () => void {
    return () => undefined;
  }

  onCloudToDevice(): () => void {
    return () => undefined;
  }

  attach(): void {}

  detach(): void {}

  async close(): Promise<void> {}
}

/** Polls until `check` holds (generous deadline: the machine is shared). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  await pollUntil(what, check, timeoutMs);
}
