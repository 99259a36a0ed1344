// The property bag at the end of a telemetry topic: `key=value&key2=value2`, each name and value
// percent-encoded. Keys starting with `$.` are system properties and get the names the service
// side reads them by; every other key is an application property (docs/research/iothub-facts.md §6).
// formatTelemetryBag writes such a bag back, so the edge hub forwards a message with the bag it got.
import type { ClientIdentity } from './client-identity.js';

export interface PropertyBag {
  properties: Record<string, string>;
  systemProperties: Record<string, string>;
}

/**
 * Bag keys and the system-property names IoT Hub gives them (Microsoft Learn, *Create and read
 * IoT Hub messages*: message-id, correlation-id, user-id, content-type, content-encoding,
 * iothub-creation-time-utc, dt-subject, and `to` / `absolute-expiry-time` from its C2D table).
 * Other `$.` keys (`$.on`, `$.ifid`, `$.schema` …) have no documented service-side name and are
 * kept under their bag key.
 */
const SYSTEM_NAMES: Readonly<Record<string, string>> = {
  '$.mid': 'message-id',
  '$.cid': 'correlation-id',
  '$.uid': 'user-id',
  '$.ct': 'content-type',
  '$.ce': 'content-encoding',
  '$.ctime': 'iothub-creation-time-utc',
  '$.sub': 'dt-subject',
  '$.to': 'to',
  '$.exp': 'absolute-expiry-time',
};

/**
 * Connection stamps IoT Hub sets itself, so a device cannot claim another's (the "anti-spoofing
 * properties" of the same page); a device that sends them has them dropped.
 */
const STAMPED = new Set(['$.cdid', '$.cmid']);

/** The bag's properties, or undefined when a name or value is not valid percent-encoding. */
export function parsePropertyBag(bag: string): PropertyBag | undefined {
  const properties: [string, string][] = [];
  const systemProperties: [string, string][] = [];
  for (const pair of bag.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = percentDecode(equals === -1 ? pair : pair.slice(0, equals));
    // A key without `=` is how a null value is written (docs/research/iothub-facts.md §6).
    const value = percentDecode(equals === -1 ? '' : pair.slice(equals + 1));
    if (key === undefined || value === undefined || key === '') return undefined;
    if (STAMPED.has(key)) continue;
    if (key.startsWith('$.')) systemProperties.push([SYSTEM_NAMES[key] ?? key, value]);
    else properties.push([key, value]);
  }
  // fromEntries defines own data properties, so a key such as `__proto__` stays a plain key.
  return { properties: Object.fromEntries(properties), systemProperties: Object.fromEntries(systemProperties) };
}

function percentDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/**
 * The bag of a cloud-to-device delivery: application properties, then the system keys (`$.mid`,
 * `$.cid`, `$.to`, `$.exp` …), each name and value percent-encoded as the device SDK decodes them
 * (decodeURIComponent on both; docs/research/iothub-facts.md §6–§7).
 */
export function formatPropertyBag(properties: Record<string, string>, systemKeys: Record<string, string>): string {
  return [...Object.entries(properties), ...Object.entries(systemKeys)]
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** The bag key a system-property name came from (the reverse of SYSTEM_NAMES). */
const BAG_KEYS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(SYSTEM_NAMES).map(([key, name]) => [name, key]));

const OUTPUT_NAME_KEY = '$.on';

/**
 * The bag key a system property is written under: its `$.` key, or undefined when the name has
 * none (it did not come from a bag, so it cannot be written into one).
 */
export function bagKeyOfSystemProperty(name: string): string | undefined {
  if (Object.hasOwn(BAG_KEYS, name)) return BAG_KEYS[name];
  return name.startsWith('$.') ? name : undefined;
}

export interface TelemetryBagOptions {
  /**
   * Adds the connection stamps `$.cdid` / `$.cmid` of the sender, as edgeHub does when it hands a
   * message to a module input (edge-hub SystemProperties.OutgoingSystemPropertiesMap); a parsed
   * bag drops them again, so they never come from the client itself.
   */
  stamps?: ClientIdentity;
}

/**
 * The reverse of parsePropertyBag for a telemetry publish: application properties, then system
 * properties back under their `$.` keys, then `$.on` for an output, each name and value
 * percent-encoded as the device SDK writes them (encodeURIComponent). For a bag parsePropertyBag
 * produced, parsePropertyBag(formatTelemetryBag(bag.properties, bag.systemProperties)) is that bag.
 * Left out, because they cannot be read back as what they are: empty names, application names
 * starting with `$.` (they would read as system properties), system names with no bag key, and
 * connection stamps (IoT Hub and the hub set them; see `options.stamps`).
 */
export function formatTelemetryBag(
  properties: Record<string, string>,
  systemProperties: Record<string, string>,
  outputName?: string,
  options: TelemetryBagOptions = {},
): string {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(properties)) {
    if (key !== '' && !key.startsWith('$.')) pairs.push([key, value]);
  }
  for (const [name, value] of Object.entries(systemProperties)) {
    const key = bagKeyOfSystemProperty(name);
    if (key === undefined || STAMPED.has(key)) continue;
    // The explicit output name wins over one left in the system properties.
    if (key === OUTPUT_NAME_KEY && outputName !== undefined) continue;
    pairs.push([key, value]);
  }
  if (outputName !== undefined) pairs.push([OUTPUT_NAME_KEY, outputName]);
  if (options.stamps) {
    pairs.push(['$.cdid', options.stamps.deviceId]);
    if (options.stamps.moduleId !== undefined) pairs.push(['$.cmid', options.stamps.moduleId]);
  }
  return pairs.map(([key, value]) => `${percentEncode(key)}=${percentEncode(value)}`).join('&');
}

/** encodeURIComponent, with lone surrogates (which it cannot encode) replaced by U+FFFD. */
function percentEncode(text: string): string {
  return encodeURIComponent(text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD'));
}
