// Twin requests on one identity's cloud connection: GET and reported PATCH published with a
// request id, answered on `$iothub/twin/res/{status}/?$rid=…[&$version=…]` (docs/FACTS.md §5).
// A request fails when the connection goes before the answer, or after a timeout.
import { reportedPatchTopic, twinGetTopic, TWIN_RESPONSES_FILTER } from './cloud-topics.js';
import type { UpstreamConnection } from './upstream-connection.js';
import { UpstreamUnavailableError } from './upstream-errors.js';

export type TwinRequest = { kind: 'get' } | { kind: 'patch-reported'; patch: unknown };
export interface TwinResponse {
  status: number;
  body: unknown;
  version?: number;
}

interface Pending {
  resolve(response: TwinResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
}

export class CloudTwinRequests {
  private nextRid = 1;
  private readonly pending = new Map<string, Pending>();

  constructor(
    private readonly connection: UpstreamConnection,
    private readonly timeoutMs: number,
  ) {}

  async request(request: TwinRequest): Promise<TwinResponse> {
    await this.connection.ready();
    // The cloud answers only a client subscribed to the responses topic.
    await this.connection.subscribe(TWIN_RESPONSES_FILTER);
    const rid = String(this.nextRid++);
    const answered = new Promise<TwinResponse>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(rid)?.reject(new UpstreamUnavailableError(`the cloud did not answer twin request ${rid} within ${this.timeoutMs / 1000} s`)), this.timeoutMs);
      timer.unref();
      this.pending.set(rid, { resolve, reject, timer });
    });
    const [topic, payload] = request.kind === 'get' ? [twinGetTopic(rid), Buffer.alloc(0)] : [reportedPatchTopic(rid), Buffer.from(JSON.stringify(request.patch ?? {}))];
    try {
      await this.connection.publish(topic, payload, 0);
    } catch (error) {
      this.settle(rid);
      throw error;
    }
    return answered;
  }

  /** An answer from the cloud; one for no pending request (a late answer) is ignored. */
  answer(rid: string, status: number, version: number | undefined, payload: Buffer): void {
    this.settle(rid)?.resolve({ status, body: parseBody(payload), ...(version === undefined ? {} : { version }) });
  }

  /** The connection went: no answer will come on it. */
  failAll(reason: string): void {
    for (const rid of [...this.pending.keys()]) this.settle(rid)?.reject(new UpstreamUnavailableError(reason));
  }

  private settle(rid: string): Pending | undefined {
    const pending = this.pending.get(rid);
    if (pending === undefined) return undefined;
    this.pending.delete(rid);
    clearTimeout(pending.timer);
    return pending;
  }
}

function parseBody(payload: Buffer): unknown {
  if (payload.length === 0) return undefined;
  const text = payload.toString('utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
