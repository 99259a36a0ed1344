// Turns an ajv error into one readable sentence that names the key, what is allowed and
// what was found, e.g.
//   `restartPolicy` must be one of never, on-failure, on-unhealthy, always (got "on-failured")
// What was found is never a secret: under a secret name (`"env": {"DB_PASSWORD": "…"}`) it shows
// as the mask, and elsewhere the secrets of the document are masked before a long value is cut,
// so no cut leaves a secret's start behind.
import type { ErrorObject } from 'ajv';
import type { PendingFinding, Severity } from '../findings.js';
import { appendPointer, getAtPointer, parsePointer, toPointer } from '../manifest/json-pointer.js';
import { findPlaceholder } from '../manifest/placeholders.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { isSecretName, MASK, maskableSecrets, maskSecrets, secretsIn } from '../manifest/secrets.js';
import { HOST_CONFIG_KEYS, MODULE_KEYS } from './compiled/nesting-hints.js';
import type { KeyRename } from './fold-key-case.js';
import { suggestClosest } from './suggest-closest.js';
import { describePortKeyProblem } from '../manifest/docker/port-key.js';
import { findFillInText } from '../manifest/fill-in-text.js';

export interface DescribeContext {
  /** The validated root, to look up schemaVersion for version-gated features. */
  root: unknown;
  /** Prefix of every pointer (where the validated value sits in the file). */
  basePointer: string;
  /** Templates may hold placeholders anywhere a value goes. */
  allowPlaceholders: boolean;
  /** How to name the validated value itself in messages, e.g. `createOptions`. */
  rootName?: string;
  /** Why the file was taken as a concrete manifest (detect-flavour.ts), for placeholder messages. */
  flavourReason?: string;
}

function placeholderAdvice(context: DescribeContext): string {
  return `fill it in before deploying (\`edgewise gen\` fills \${VAR} and $VAR). This file was linted as a concrete manifest because ${context.flavourReason ?? 'it is not named *.template.json'}; if it is a template, lint it with --flavour template`;
}

const ROOT_KEYS = ['modulesContent', 'moduleContent', 'content'];

/**
 * Keys written as comments: `_comment`, `_comment_x`, `//`. (`$comment` and `#…` are not among
 * them: IoT Hub refuses `$` and `#` in twin keys, which other checks report.)
 */
const COMMENT_KEY = /^(_+comments?(_|$)|\/\/)/i;

/** Features and the schemaVersion that introduced them (iotedge EdgeHubConfigParser / EdgeAgent). */
const VERSION_GATED: Record<string, string> = {
  startupOrder: '$edgeAgent schemaVersion 1.1',
  mqttBroker: '$edgeHub schemaVersion 1.2',
  integrity: '$edgeHub schemaVersion 1.3',
};

export function describeSchemaError(error: ErrorObject, context: DescribeContext): PendingFinding | undefined {
  const pointer = context.basePointer + error.instancePath;
  const offending = error.keyword === 'propertyNames' ? error.params.propertyName : error.data;
  const placeholder = typeof offending === 'string' ? findPlaceholder(offending) : undefined;
  if (placeholder && context.allowPlaceholders) return undefined;
  const segments = parsePointer(error.instancePath);
  const show = (value: unknown): string => (isSecretPlace(segments) ? JSON.stringify(MASK) : quote(value, secretsOf(context.root)));
  const describeValue = (value: unknown): string => describeFound(value, show);
  const name = displayName(segments, context.rootName);
  const insideCreateOptions = /\/createOptions(\/|$)/.test(pointer);
  const finding = (ruleId: string, message: string): PendingFinding => ({ ruleId, severity: 'error', message, pointer, anchor: 'value' });
  const error_ = (message: string, at = pointer, anchor: PendingFinding['anchor'] = 'value', severity: Severity = 'error', ruleId = 'schema'): PendingFinding => ({
    ruleId,
    severity,
    message,
    pointer: at,
    anchor,
  });

  if (placeholder && error.keyword === 'propertyNames') {
    const key = String(error.params.propertyName);
    return { ...finding('unresolved-placeholder', `key \`${key}\` holds the unresolved placeholder ${placeholder}; ${placeholderAdvice(context)}`), pointer: appendPointer(pointer, key), anchor: 'key' };
  }
  if (placeholder) {
    return finding(
      'unresolved-placeholder',
      `${name} holds the unresolved placeholder ${placeholder}; ${placeholderAdvice(context)}`,
    );
  }

  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      if (missing === 'storeAndForwardConfiguration') {
        // The catalogue's store-and-forward rule owns this case (the schema finds it).
        return error_(
          `${name} is missing \`storeAndForwardConfiguration\`, which $edgeHub schemaVersion 1.1 and later require; add "storeAndForwardConfiguration": {"timeToLiveSecs": 7200} (or the time messages must survive offline)`,
          pointer,
          'key',
          'error',
          'store-and-forward',
        );
      }
      return error_(`${name} is missing the required \`${missing}\``, pointer, 'key');
    }
    case 'additionalProperties': {
      // The runtime deserialises with unknown members ignored, so an unknown key is lost, not refused.
      const extra = String(error.params.additionalProperty);
      if (COMMENT_KEY.test(extra)) {
        // JSON has no comments, so authors write them as keys (OPCFoundation/UA-EdgeTranslator's `_comment_registryCredentials`).
        return error_(`\`${extra}\` reads as a comment; nothing reads it, as intended`, appendPointer(pointer, extra), 'key', 'info', insideCreateOptions ? 'create-options-docker' : 'schema');
      }
      const hint = unknownKeyHint(extra, error.parentSchema, segments, Boolean(context.rootName) && segments.length === 0, error.data);
      const ruleId = insideCreateOptions ? 'create-options-docker' : 'schema';
      return error_(`\`${extra}\` is not a known key of ${name}; ${hint}`, appendPointer(pointer, extra), 'key', 'warning', ruleId);
    }
    case 'propertyNames': {
      const bad = String(error.params.propertyName);
      // A key left for a person to fill in (`<YOUR LOCAL STORAGE BLOB CONTAINER NAME>`) is expected in a template.
      if (context.allowPlaceholders && fillInOf(bad) === bad.trim()) return undefined;
      const rule = (error.params.rule as ErrorObject | undefined) ?? error;
      const allowed = rule.keyword === 'enum' ? (rule.params.allowedValues as unknown[]).map(String) : [];
      const suggestion = suggestClosest(bad, allowed);
      const reason = suggestion ? `did you mean \`${suggestion}\`? Names are case-sensitive` : describeSchemaRule(rule, 'it');
      const kind = describeKeyKind(segments);
      // Module names belong to the catalogue's module-name rule (the schema finds them).
      const ruleId = kind === 'module name' || kind === 'module twin' ? 'module-name' : 'schema';
      return error_(`${kind} \`${bad}\` is not allowed: ${reason}`, appendPointer(pointer, bad), 'key', 'error', ruleId);
    }
    case 'false schema': {
      const feature = segments[segments.length - 1] ?? '';
      const needs = VERSION_GATED[feature];
      if (needs) return error_(`\`${feature}\` needs ${needs} or later; this file declares ${declaredVersion(context, error.instancePath)}. Raise schemaVersion or remove \`${feature}\``, pointer, 'key', 'error', 'schema-version');
      if (ROOT_KEYS.includes(feature) && segments.length === 1) {
        return error_(`a manifest holds exactly one of \`modulesContent\`, \`moduleContent\` or \`content\`; remove \`${feature}\``, pointer, 'key');
      }
      return error_(`${name} is not allowed here`, pointer, 'key');
    }
    case 'enum':
      return error_(`${name} must be one of ${(error.params.allowedValues as unknown[]).map(String).join(', ')} (got ${show(error.data)})`);
    case 'const':
      return error_(`${name} must be ${JSON.stringify(error.params.allowedValue)} (got ${show(error.data)})`);
    case 'type':
      if (segments[segments.length - 2] === 'env' && error.params.type === 'object') {
        return error_(`environment variable \`${segments[segments.length - 1]}\` must be written as {"value": …} (got ${describeValue(error.data)})`);
      }
      if (segments[segments.length - 2] === 'routes' && (typeof error.data !== 'object' || error.data === null)) {
        return error_(`route \`${segments[segments.length - 1]}\` must be a route string or a {"route": …, "priority": …, "timeToLiveSecs": …} object (got ${describeValue(error.data)})`);
      }
      if (segments[segments.length - 2] === 'routes' && typeof error.data === 'object' && error.data !== null) {
        return error_(
          `route \`${segments[segments.length - 1]}\` is an object, which needs $edgeHub schemaVersion 1.1 or later; this file declares ${declaredVersion(context, error.instancePath)}. Raise schemaVersion or write the route as a string`,
          pointer,
          'value',
          'error',
          'schema-version',
        );
      }
      return error_(`${name} must be ${describeTypes(String(error.params.type))} (got ${describeValue(error.data)})`);
    case 'pattern': {
      const isVersion = segments[segments.length - 1] === 'schemaVersion' && !insideCreateOptions;
      if (typeof error.data === 'string' && error.data.trim() === '') return error_(describeEmpty(name, error, segments), pointer, 'value', 'error', isVersion ? 'schema-version' : 'schema');
      const fillIn = typeof error.data === 'string' ? fillInOf(error.data) : undefined;
      if (fillIn) return error_(`${name} holds fill-in text "${fillIn}" where a value belongs; put the real value in: ${describeSchemaRule(error, 'it')}`, pointer, 'value', 'error', isVersion ? 'schema-version' : 'schema');
      return error_(`${name} ${show(error.data)} is not valid: ${describeSchemaRule(error, 'it')}`, pointer, 'value', 'error', isVersion ? 'schema-version' : 'schema');
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return error_(`${name} must be ${error.params.comparison} ${error.params.limit} (got ${show(error.data)})`);
    case 'minLength':
      return error.params.limit === 1 ? error_(`${name} must not be empty`) : error_(`${name} must be at least ${error.params.limit} characters long`);
    case 'maxLength':
      return error_(`${name} must be at most ${error.params.limit} characters long (got ${String(error.data).length})`);
    case 'minProperties': {
      const twin = segments[segments.length - 1] ?? '';
      const parent = segments[segments.length - 2];
      if ((parent === 'modulesContent' || parent === 'moduleContent') && !twin.startsWith('$')) {
        // IoT Hub accepts an empty module twin section (seen in real deployments); it only sets nothing.
        return error_(
          `the twin section of module \`${twin}\` is empty: IoT Hub accepts it, but the module gets no desired properties from this deployment; remove it, or add "properties.desired": {…}`,
          pointer,
          'key',
          'warning',
        );
      }
      return error_(`${name} must not be empty`);
    }
    case 'multipleOf':
      return error_(`${name} must be a whole number (got ${show(error.data)})`);
    default:
      return error_(`${name} ${error.message ?? 'is invalid'}`);
  }
}

/** Written for a key the fold renamed (see fold-key-case.ts): a style note, not an unknown key. */
export function describeKeyCase(rename: KeyRename, context: DescribeContext): PendingFinding {
  return {
    ruleId: 'create-options-docker',
    severity: 'info',
    message: `\`${rename.written}\` is Docker's \`${rename.known}\` written in another case; edgeAgent and Docker read keys without regard to case, so it works. Write \`${rename.known}\` as Docker documents it`,
    pointer: context.basePointer + rename.pointer,
    anchor: 'key',
  };
}

function unknownKeyHint(key: string, parentSchema: unknown, segments: readonly string[], atCreateOptionsRoot: boolean, parent: unknown): string {
  const parentKey = segments[segments.length - 1] ?? '';
  const properties = (parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
  const suggestion = suggestClosest(key, Object.keys(properties));
  if (suggestion && suggestion.toLowerCase() === key.toLowerCase()) {
    if (isPlainObject(parent) && Object.hasOwn(parent, suggestion)) return `it and \`${suggestion}\` differ only in case, so they set the same field and the later one wins; keep one`;
    return `keys are matched without regard to case, but write it as \`${suggestion}\``;
  }
  if (suggestion) return `did you mean \`${suggestion}\`?`;
  if (atCreateOptionsRoot && HOST_CONFIG_KEYS.has(key)) return 'it belongs under `HostConfig`; at the top level it is ignored';
  const value = isPlainObject(parent) ? parent[key] : undefined;
  if (parentKey === 'settings' && segments[segments.length - 2] === 'runtime' && looksLikeRegistryCredential(value)) {
    return `it looks like a registry credential, and edgeAgent reads credentials only inside \`registryCredentials\`, so images from ${describeAddress(value)} are pulled without them. Move it into "registryCredentials"`;
  }
  if (parentKey === 'settings' && MODULE_KEYS.has(key)) return 'it belongs on the module, beside `settings`, and is ignored here';
  if (parentKey === 'settings') return 'edgeAgent ignores it. Check the spelling and the nesting';
  if (parentKey.toLowerCase() === 'portbindings') {
    const portKey = describePortKeyProblem(key);
    if (portKey) return portKey;
  }
  return 'the runtime ignores it. Check the spelling and the nesting';
}

function looksLikeRegistryCredential(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && ['username', 'password', 'address'].filter((field) => Object.keys(value).some((key) => key.toLowerCase() === field)).length >= 2;
}

function describeAddress(credential: Record<string, unknown>): string {
  const address = Object.entries(credential).find(([key]) => key.toLowerCase() === 'address')?.[1];
  return typeof address === 'string' && address.trim() !== '' ? `"${address}"` : 'that registry';
}

/** Text left for a person to replace: fill-in-text.ts's forms, or words starting with YOUR ("YOUR ACR SERVER LOGIN ADDRESS"). */
function fillInOf(text: string): string | undefined {
  if (/^\s*your\s+\S/i.test(text)) return text.trim();
  return findFillInText(text)?.text;
}

/** An empty (or blank) text where a pattern wants content: say that it is empty. */
function describeEmpty(name: string, error: ErrorObject, segments: readonly string[]): string {
  const blank = error.data === '' ? 'empty' : 'blank';
  if (segments[segments.length - 1] === 'address' && segments[segments.length - 3] === 'registryCredentials') {
    // edgeAgent's RegistryCredentials constructor refuses a blank address (Preconditions.CheckNonWhiteSpace),
    // so the whole runtime configuration fails to load, not only this credential.
    return `${name} is ${blank}, which edgeAgent refuses, so it cannot read the deployment at all; write the registry address without scheme, e.g. "myregistry.azurecr.io"`;
  }
  return `${name} is ${blank}; ${describeSchemaRule(error, 'it')}`;
}

function displayName(segments: string[], rootName = 'the manifest'): string {
  if (segments.length === 0) return rootName;
  const last = segments[segments.length - 1]!;
  if (/^\d+$/.test(last) && segments.length > 1) return `\`${segments[segments.length - 2]}[${last}]\``;
  return `\`${last}\``;
}

function describeKeyKind(segments: string[]): string {
  const parent = segments[segments.length - 1];
  if (parent === 'modulesContent' || parent === 'moduleContent') return 'module twin';
  if (parent === 'modules' || parent === 'systemModules') return 'module name';
  if (parent === 'env') return 'environment variable name';
  if (parent === 'registryCredentials') return 'registry credential name';
  if (parent === 'routes') return 'route name';
  return 'key';
}

/** Short rules for values whose schema description is too long for a one-line message. */
const RULES_BY_TITLE: Record<string, string> = {
  ModuleName: "use 1 to 128 letters, digits or - : + % _ * ? ! ( ) , = @ ; ' (no . $ # or spaces: module names are also twin keys)",
  EnvVarName: 'no . $ # + or whitespace: environment variable names are twin keys',
  TwinKey: "IoT Hub refuses twin keys that contain '.', '$', a space or a control character",
  EdgeAgentSchemaVersion: 'edgeAgent accepts 1.0 or 1.1 (also written 1.0.0 or 1.1.0)',
  EdgeHubSchemaVersion: 'edgeHub accepts 1.0, 1.1, 1.2 or 1.3',
};

function describeSchemaRule(error: ErrorObject, subject: string): string {
  const schema = error.parentSchema as { description?: string; pattern?: string; title?: string } | undefined;
  const short = schema?.title ? RULES_BY_TITLE[schema.title] : undefined;
  if (short) return short;
  if (schema?.description) return schema.description.replace(/\.$/, '');
  return `${subject} must match ${String(error.params.pattern ?? schema?.pattern ?? 'the allowed pattern')}`;
}

function declaredVersion(context: DescribeContext, instancePath: string): string {
  const segments = parsePointer(instancePath);
  for (let length = segments.length; length >= 0; length--) {
    const owner = getAtPointer(context.root, toPointer([...segments.slice(0, length), 'schemaVersion']));
    if (typeof owner === 'string') return `schemaVersion ${owner}`;
  }
  return 'an older schemaVersion';
}

function describeTypes(types: string): string {
  const words = types.split(',').map((type) => (type === 'object' ? 'an object' : type === 'array' ? 'an array' : type === 'integer' ? 'an integer' : type === 'null' ? 'null' : `a ${type}`));
  return words.length === 1 ? words[0]! : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

function describeFound(value: unknown, show: (value: unknown) => string): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'number' && !Number.isInteger(value)) return `the number ${show(value)}`;
  return `${typeof value} ${show(value)}`;
}

/** A found value as a message quotes it: secrets masked first, then cut to 60 characters. */
function quote(value: unknown, secrets: readonly string[]): string {
  const text = maskSecrets(JSON.stringify(value) ?? String(value), secrets);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

/** A value under a secret name: a registry password, `env/DB_PASSWORD` (either form), a twin's `apiKey`. */
function isSecretPlace(segments: readonly string[]): boolean {
  const last = segments[segments.length - 1];
  if (last === 'value' && segments[segments.length - 3] === 'env') return isSecretName(segments[segments.length - 2]!);
  return last !== undefined && isSecretName(last);
}

/** The secrets of each validated document, found once however many of its errors quote a value. */
const SECRETS_OF = new WeakMap<object, string[]>();

function secretsOf(root: unknown): string[] {
  if (root === null || typeof root !== 'object') return [];
  let secrets = SECRETS_OF.get(root);
  if (secrets === undefined) {
    secrets = maskableSecrets(secretsIn(root));
    SECRETS_OF.set(root, secrets);
  }
  return secrets;
}
