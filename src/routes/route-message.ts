// A message as conditions see it: application properties, system properties (both looked up
// ignoring case, as edgeHub's Message does) and the body bytes. prepareMessage() indexes the
// properties once and parses the body at most once, on the first $body lookup, so one message
// can be evaluated against many compiled routes cheaply.
import { lookupQueryValue } from './body-query.js';
import { foldKey } from './dotnet-text.js';
import { BodyReadError, decodeBody, parseJsonObject, supportedEncoding, type JsonNode } from './message-body.js';
import type { QueryValue } from './route-values.js';

export type PropertyBag = Readonly<Record<string, string | null>> | ReadonlyMap<string, string | null>;

export interface RouteMessage {
  /** Application (user) properties; a null value is a property that is present but null. */
  appProperties?: PropertyBag;
  /** System properties such as contentType, contentEncoding, connectionDeviceId, connectionModuleId. */
  systemProperties?: PropertyBag;
  /** The body bytes (a string is taken as its UTF-8 bytes). */
  body?: Uint8Array | string;
}

export interface PreparedMessage {
  /** Property value, null for a null value, undefined when absent. */
  appProperty(name: string): string | null | undefined;
  systemProperty(name: string): string | null | undefined;
  /** message.GetQueryValue(path); throws BodyReadError as edgeHub would. */
  queryBody(path: string): QueryValue;
}

function index(bag: PropertyBag | undefined): Map<string, string | null> {
  const map = new Map<string, string | null>();
  const entries = bag === undefined ? [] : bag instanceof Map ? [...bag.entries()] : Object.entries(bag);
  for (const [key, value] of entries) {
    const folded = foldKey(key);
    if (!map.has(folded)) map.set(folded, value ?? null);
  }
  return map;
}

class Prepared implements PreparedMessage {
  private readonly app: Map<string, string | null>;
  private readonly system: Map<string, string | null>;
  private root: JsonNode | BodyReadError | undefined;

  constructor(
    message: RouteMessage,
    private readonly body: Uint8Array,
  ) {
    this.app = index(message.appProperties);
    this.system = index(message.systemProperties);
  }

  appProperty(name: string): string | null | undefined {
    const folded = foldKey(name);
    return this.app.has(folded) ? this.app.get(folded)! : undefined;
  }

  systemProperty(name: string): string | null | undefined {
    const folded = foldKey(name);
    return this.system.has(folded) ? this.system.get(folded)! : undefined;
  }

  private parsedBody(): JsonNode {
    if (this.root === undefined) {
      try {
        this.root = this.readBody();
      } catch (error) {
        if (!(error instanceof BodyReadError)) throw error;
        this.root = error; // like .NET's Lazy<T>, a failure is remembered and raised again
      }
    }
    if (this.root instanceof BodyReadError) throw this.root;
    return this.root;
  }

  // Message.GetMessageQueryProvider: the encoding is checked first, then the content type.
  private readBody(): JsonNode {
    const encodingName = this.systemProperty('contentEncoding');
    if (encodingName === undefined || encodingName === null) {
      throw new BodyReadError('InvalidOperationException', 'Content encoding is not specified in system properties.');
    }
    const encoding = supportedEncoding(encodingName);
    if (!encoding) throw new BodyReadError('InvalidOperationException', `Content encoding '${encodingName}' is not supported.`);
    const contentType = this.systemProperty('contentType');
    if (contentType === undefined) throw new BodyReadError('InvalidOperationException', 'Content type is not specified in system properties.');
    if (contentType === null || contentType.toLowerCase() !== 'application/json') {
      throw new BodyReadError('ArgumentException', `Content type '${contentType ?? ''}' is not supported.`);
    }
    return parseJsonObject(decodeBody(this.body, encoding));
  }

  queryBody(path: string): QueryValue {
    return lookupQueryValue(this.parsedBody(), path);
  }
}

/** Indexes a message for evaluation (idempotent: a prepared message is returned as is). */
export function prepareMessage(message: RouteMessage | PreparedMessage): PreparedMessage {
  if (message instanceof Prepared) return message;
  const raw = message as RouteMessage;
  const body = typeof raw.body === 'string' ? new TextEncoder().encode(raw.body) : (raw.body ?? new Uint8Array());
  return new Prepared(raw, body);
}
