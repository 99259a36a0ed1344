#!/usr/bin/env node
// Deterministic generator of realistic Azure IoT Edge deployment manifests for benchmarks.
//
//   node bench/generate-manifests.mjs --count 10000 [--seed 1] [--names common|unique] [--out bench/.data/manifests]
//
// Every manifest is meant to be VALID for a correct validator and for the SchemaStore
// community schema (azure-iot-edge-deployment-2.0.json):
//   - $edgeAgent schemaVersion "1.0" or "1.1", $edgeHub "1.0" / "1.1" / "1.2"
//   - startupOrder and imagePullPolicy only with agent 1.1; object routes only with hub 1.1+
//   - module names ^[a-zA-Z0-9_-]+$ (unique, also case-insensitively); env keys without . $ # + or spaces
//   - createOptions is compact JSON of an object; when longer than 512 characters it is split
//     into contiguous createOptions, createOptions01 .. createOptions07 chunks of <= 512 chars
//   - routes only reference modules of the manifest; twin sections only for declared modules
//   - host ports unique per manifest; private images always have registry credentials
//   - twin desired properties: no arrays, no nulls, keys [A-Za-z0-9_], nesting depth <= 5
// File i depends only on (seed, i, names), so the first N files of any larger set are identical.
// --names unique gives every module, module output/input, env variable, route and twin property a
// name of its own per file (drawn from a second random stream, so the structure is the same as
// with common names): caches keyed on names cannot flatter a benchmark on that set.

import { mulberry32 } from './seeded-random.mjs';
import { commonNames, uniqueNames } from './manifest-names.mjs';
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const GENERATOR_VERSION = 4;
export const NAME_STYLES = ["common", "unique"];
export const DEFAULT_SEED = 20240601;
const MIN_BYTES = 3 * 1024;
const MAX_BYTES = 30 * 1024;
const CHUNK = 512;
const MAX_CHUNKS = 8; // createOptions + createOptions01..07

// ---------------------------------------------------------------- PRNG helpers

function mix32(seed, index) {
  let h = (seed ^ Math.imul(index + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

function makeRandom(rng) {
  const R = {
    float: rng,
    int: (lo, hi) => lo + Math.floor(rng() * (hi - lo + 1)), // inclusive
    chance: (p) => rng() < p,
    pick: (arr) => arr[Math.floor(rng() * arr.length)],
    weighted: (pairs) => {
      let total = 0;
      for (const [, w] of pairs) total += w;
      let x = rng() * total;
      for (const [v, w] of pairs) {
        if ((x -= w) < 0) return v;
      }
      return pairs[pairs.length - 1][0];
    },
    normal: () => {
      const u = 1 - rng();
      const v = rng();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    str: (len, alphabet = "abcdefghijklmnopqrstuvwxyz0123456789") => {
      let s = "";
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rng() * alphabet.length)];
      return s;
    },
    sample: (arr, n) => {
      const copy = arr.slice();
      const out = [];
      while (out.length < n && copy.length) out.push(copy.splice(Math.floor(rng() * copy.length), 1)[0]);
      return out;
    },
  };
  return R;
}

// ---------------------------------------------------------------- vocabulary
const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// [baseName, image repo (lowercase), registry kind, outputs, inputs, twin kind]
const MODULE_KINDS = [
  ["SimulatedTemperatureSensor", "azureiotedge-simulated-temperature-sensor", "mcr", ["temperatureOutput"], ["control"], "sensor"],
  ["tempSensor", "azureiotedge-simulated-temperature-sensor", "mcr", ["temperatureOutput"], [], "sensor"],
  ["OPCPublisher", "iotedge/opc-publisher", "mcr", ["output"], [], "opc"],
  ["opcTwin", "iotedge/opc-twin", "mcr", ["output"], [], "generic"],
  ["filterModule", "filtermodule", "acr", ["output1", "alerts"], ["input1"], "filter"],
  ["dataProcessor", "dataprocessor", "acr", ["output1", "processed"], ["input1", "raw"], "generic"],
  ["modbus", "azureiotedge/modbus", "acr", ["modbusOutput"], ["input1"], "modbus"],
  ["blobStorage", "azure-blob-storage", "mcr", [], [], "blob"],
  ["sqlEdge", "azure-sql-edge", "mcr", [], ["input1"], "generic"],
  ["streamAnalytics", "azure-stream-analytics/azureiotedge", "mcr", ["alert", "aggregate"], ["temperature"], "asa"],
  ["imageClassifier", "imageclassifier", "acr", ["classification"], ["frames"], "ml"],
  ["cameraCapture", "cameracapture", "acr", ["output1"], [], "camera"],
  ["objectDetector", "objectdetector", "acr", ["detections"], ["frames"], "ml"],
  ["anomalyDetector", "anomalydetector", "acr", ["anomalies"], ["telemetry"], "ml"],
  ["metricsCollector", "azureiotedge-metrics-collector", "mcr", [], [], "metrics"],
  ["influxdb", "influxdb", "acr", [], ["input1"], "generic"],
  ["grafana", "grafana", "acr", [], [], "generic"],
  ["nodered", "node-red", "acr", ["output1"], ["input1"], "generic"],
  ["LoRaWanNetworkSrvModule", "lorawannetworksrvmodule", "acr", ["sensors"], [], "lora"],
  ["LoRaBasicsStationModule", "lorabasicsstationmodule", "acr", [], [], "generic"],
  ["redisEdge", "redis-edge", "acr", ["output1"], ["input1"], "generic"],
  ["diagnostics", "azureiotedge-diagnostics", "mcr", [], [], "generic"],
  ["telemetryForwarder", "telemetryforwarder", "acr", ["output1"], ["input1"], "filter"],
  ["edgeGateway", "edgegateway", "acr", ["upstream", "events"], ["downstream"], "generic"],
  ["vibrationAnalyzer", "vibrationanalyzer", "acr", ["features", "alerts"], ["samples"], "ml"],
  ["plcConnector", "plcconnector", "acr", ["tags"], ["writes"], "modbus"],
  ["mqttBridge", "mqttbridge", "acr", ["output1"], ["input1"], "generic"],
  ["eventRouter", "eventrouter", "acr", ["routed", "deadletter"], ["events"], "filter"],
  ["fileUploader", "fileuploader", "acr", [], ["files"], "blob"],
  ["loadGen", "azureiotedge-load-gen", "mcr", ["output1"], [], "generic"],
  ["relayer", "azureiotedge-relayer", "mcr", ["output1"], ["input1"], "generic"],
  ["directMethodReceiver", "azureiotedge-direct-method-receiver", "mcr", [], [], "generic"],
  ["twinTester", "azureiotedge-twin-tester", "mcr", [], [], "generic"],
];

const WORDS = [
  "alpha", "beta", "gamma", "delta", "line", "cell", "press", "pump", "valve", "motor", "boiler",
  "chiller", "conveyor", "robot", "station", "zone", "hall", "north", "south", "east", "west",
  "dock", "tank", "mixer", "oven", "packer", "sorter", "scale", "feeder", "kiln", "dryer",
];

const ENV_KEYS = [
  "LOG_LEVEL", "RuntimeLogLevel", "MessageCount", "SendInterval", "TransportType", "ClientTransportType",
  "OutputName", "InputName", "DeviceId", "SiteName", "ConnectionTimeout", "RetryCount", "BatchSize",
  "ASPNETCORE_ENVIRONMENT", "DOTNET_gcServer", "PYTHONUNBUFFERED", "NODE_ENV", "TZ", "LANG",
  "Logging__LogLevel__Default", "Logging:LogLevel:Microsoft", "telemetry__interval", "telemetry__enabled",
  "STORAGE_ACCOUNT_NAME", "STORAGE_CONTAINER", "LOCAL_STORAGE_PATH", "MODEL_PATH", "MODEL_VERSION",
  "CONFIDENCE_THRESHOLD", "CAMERA_URL", "FRAME_RATE", "RESOLUTION", "MODBUS_HOST", "MODBUS_PORT",
  "POLL_INTERVAL_MS", "OPC_ENDPOINT", "OPC_SECURITY_MODE", "MQTT_TOPIC", "MQTT_QOS", "HTTP_PORT",
  "METRICS_PORT", "ENABLE_METRICS", "HEALTH_CHECK_PATH", "MAX_QUEUE_SIZE", "CACHE_TTL_SECONDS",
  "FEATURE_FLAGS", "TENANT_ID", "REGION", "ENVIRONMENT", "WORKER_THREADS", "MEMORY_LIMIT_MB",
  "UploadTarget", "ResourceId", "MetricsEndpointsCSV", "ScrapeFrequencyInSecs", "CompressForUpload",
  "testDuration", "testStartDelay", "trackingId", "messageFrequency", "ReportingEndpointUrl",
];

const LOG_LEVELS = ["debug", "info", "warning", "error"];
const TRANSPORTS = ["Amqp", "Amqp_Tcp_Only", "Amqp_WebSocket_Only", "Mqtt", "Mqtt_Tcp_Only", "Mqtt_WebSocket_Only"];

// ---------------------------------------------------------------- builders
function envValue(R, key, ctx) {
  switch (key) {
    case "LOG_LEVEL":
    case "RuntimeLogLevel":
      return R.pick(LOG_LEVELS);
    case "TransportType":
    case "ClientTransportType":
      return R.pick(TRANSPORTS);
    case "TZ":
      return R.pick(["UTC", "Europe/Berlin", "America/Chicago", "Asia/Tokyo"]);
    case "LANG":
      return "C.UTF-8";
    case "NODE_ENV":
    case "ASPNETCORE_ENVIRONMENT":
    case "ENVIRONMENT":
      return R.pick(["Production", "Staging", "production"]);
    case "CAMERA_URL":
      return `rtsp://10.${R.int(0, 255)}.${R.int(0, 255)}.${R.int(1, 254)}:554/stream${R.int(1, 4)}`;
    case "OPC_ENDPOINT":
      return `opc.tcp://plc-${R.pick(WORDS)}-${R.int(1, 40)}:4840/`;
    case "MODBUS_HOST":
      return `192.168.${R.int(0, 20)}.${R.int(2, 250)}`;
    case "STORAGE_ACCOUNT_NAME":
      return `st${ctx.slug}${R.str(6)}`;
    case "ReportingEndpointUrl":
      return `http://${ctx.firstModule}:5001`;
    case "MetricsEndpointsCSV":
      return "http://edgeHub:9600/metrics,http://edgeAgent:9600/metrics";
    case "ResourceId":
      return `/subscriptions/${uuid(R)}/resourceGroups/rg-${ctx.slug}/providers/Microsoft.Devices/IotHubs/hub-${ctx.slug}`;
    case "TENANT_ID":
    case "trackingId":
      return uuid(R);
    case "FEATURE_FLAGS":
      return R.sample(["batching", "compression", "retries", "localCache", "tracing", "sampling"], R.int(1, 4)).join(",");
    default:
      if (/enabled|ENABLE|Compress|DOTNET|UNBUFFERED/i.test(key)) return R.pick(["true", "false"]);
      if (/PORT/.test(key)) return String(R.int(1025, 65000));
      if (/PATH/.test(key)) return `/app/${R.pick(["data", "models", "config", "cache"])}/${R.pick(WORDS)}`;
      if (/Count|Size|Interval|TIMEOUT|Timeout|MS|SECONDS|Secs|THREADS|MB|Frequency|Delay|Duration|RATE|QOS/i.test(key)) {
        return String(R.int(1, 5000));
      }
      return `${R.pick(WORDS)}-${R.str(R.int(3, 10))}`;
  }
}

function uuid(R) {
  const h = "0123456789abcdef";
  return `${R.str(8, h)}-${R.str(4, h)}-4${R.str(3, h)}-${R.pick(["8", "9", "a", "b"])}${R.str(3, h)}-${R.str(12, h)}`;
}

function makeEnv(R, n, ctx) {
  const keys = R.sample(ENV_KEYS, n);
  const env = {};
  for (const k of keys) {
    const value = envValue(R, k, ctx);
    env[ctx.names.env(k, env)] = { value };
  }
  return env;
}

function nextHostPort(R, ctx) {
  for (;;) {
    const p = R.pick([80, 1880, 3000, 5000, 5001, 5432, 6379, 8000, 8080, 8086, 8181, 9000, 9090, 9100, 11002, 1433, 502, 4840, 1883]) + R.int(0, 3) * 10;
    if (!ctx.usedPorts.has(p)) {
      ctx.usedPorts.add(p);
      return p;
    }
  }
}

function makeCreateOptions(R, ctx, name, size) {
  // size: 0 none/empty, 1 small, 2 medium, 3 large (chunked)
  const o = {};
  if (size >= 2 || R.chance(0.3)) {
    const n = size === 3 ? R.int(6, 16) : R.int(1, 5);
    o.Env = [];
    for (const k of R.sample(ENV_KEYS, n)) {
      const value = envValue(R, k, ctx);
      o.Env.push(`${ctx.names.env(k.replace(/[:]/g, "_"), {})}=${value}`);
    }
  }
  if (size >= 2 && R.chance(0.4)) o.Hostname = name.toLowerCase();
  if (size >= 2 && R.chance(0.25)) o.User = R.pick(["root", "1000:1000", "moduleuser"]);
  if (size === 3 && R.chance(0.5)) o.Cmd = ["--config", `/app/config/${name.toLowerCase()}.json`, "--log-level", R.pick(LOG_LEVELS)];
  if (size === 3 && R.chance(0.5)) {
    o.Labels = {};
    for (let i = 0, n = R.int(2, 5); i < n; i++) o.Labels[`com.contoso.${R.pick(WORDS)}${i}`] = `${R.pick(WORDS)}-${R.int(1, 99)}`;
  }
  const hc = {};
  const ports = size === 0 ? 0 : R.weighted([[0, 4], [1, 4], [2, 2], [3, size === 3 ? 2 : 0]]);
  if (ports) {
    o.ExposedPorts = {};
    hc.PortBindings = {};
    for (let i = 0; i < ports; i++) {
      const p = nextHostPort(R, ctx);
      const proto = R.chance(0.9) ? "tcp" : "udp";
      o.ExposedPorts[`${p}/${proto}`] = {};
      hc.PortBindings[`${p}/${proto}`] = [{ HostPort: String(p) }];
    }
  }
  if (size >= 1 && R.chance(0.55)) {
    hc.Binds = [];
    for (let i = 0, n = R.int(1, size === 3 ? 5 : 2); i < n; i++) {
      const dir = R.pick(["data", "logs", "config", "models", "certs", "cache", "blobroot", "db"]);
      hc.Binds.push(`/srv/edge/${name.toLowerCase()}/${dir}${i}:/app/${dir}${i}${R.chance(0.2) ? ":ro" : ""}`);
    }
  }
  if (size >= 1 && R.chance(0.15)) hc.Privileged = true;
  if (size >= 2 && R.chance(0.35)) {
    hc.Devices = [];
    for (let i = 0, n = R.int(1, 3); i < n; i++) {
      const dev = R.pick(["/dev/ttyUSB", "/dev/ttyACM", "/dev/video", "/dev/i2c-", "/dev/spidev0."]) + i;
      hc.Devices.push({ PathOnHost: dev, PathInContainer: dev, CgroupPermissions: "rwm" });
    }
  }
  if (size >= 1 && R.chance(0.5)) {
    hc.LogConfig = { Type: "json-file", Config: { "max-size": `${R.pick([1, 5, 10, 50])}m`, "max-file": String(R.int(1, 10)) } };
  }
  if (size >= 2 && R.chance(0.3)) hc.Memory = R.pick([128, 256, 512, 1024, 2048]) * 1048576;
  if (size >= 2 && R.chance(0.2)) hc.NanoCpus = R.pick([250000000, 500000000, 1000000000, 2000000000]);
  if (size === 3 && R.chance(0.4)) hc.ExtraHosts = [`plc-${R.pick(WORDS)}:192.168.${R.int(0, 20)}.${R.int(2, 250)}`];
  if (size === 3 && R.chance(0.3)) hc.CapAdd = R.sample(["NET_ADMIN", "SYS_TIME", "SYS_RAWIO", "NET_RAW"], R.int(1, 2));
  if (Object.keys(hc).length) o.HostConfig = hc;
  if (size === 3 && R.chance(0.3)) o.NetworkingConfig = { EndpointsConfig: { azureIoTEdge: { Aliases: [name.toLowerCase()] } } };
  let s = JSON.stringify(o);
  // keep within 8 chunks
  while (s.length > CHUNK * MAX_CHUNKS) {
    if (o.Labels) delete o.Labels;
    else if (o.Env && o.Env.length > 1) o.Env.pop();
    else if (hc.Binds && hc.Binds.length > 1) hc.Binds.pop();
    else break;
    s = JSON.stringify(o);
  }
  return s === "{}" ? (R.chance(0.5) ? "{}" : "") : s;
}

function putCreateOptions(settings, s) {
  if (s.length <= CHUNK) {
    settings.createOptions = s;
    return;
  }
  for (let i = 0, k = 0; i < s.length; i += CHUNK, k++) {
    settings[k === 0 ? "createOptions" : `createOptions${String(k).padStart(2, "0")}`] = s.slice(i, i + CHUNK);
  }
}

function twinLeaf(R) {
  return R.weighted([
    [() => R.int(0, 10000), 3],
    [() => Math.round(R.float() * 100000) / 100, 2],
    [() => R.chance(0.5), 2],
    [() => `${R.pick(WORDS)}-${R.str(R.int(2, 12))}`, 3],
    [() => `00:${String(R.int(0, 59)).padStart(2, "0")}:${String(R.int(0, 59)).padStart(2, "0")}`, 1],
  ])();
}

function twinObject(R, depth, width, names) {
  const o = {};
  for (let i = 0; i < width; i++) {
    const key = names.twinKey(`${R.pick(WORDS)}${R.pick(["", "_", ""])}${R.pick(["Threshold", "Interval", "Mode", "Name", "Limit", "Enabled", "Unit", "Offset", "Gain", "Id", "Config", "Settings"])}`) + i;
    o[key] = depth > 1 && R.chance(0.3) ? twinObject(R, depth - 1, R.int(2, 4), names) : twinLeaf(R);
  }
  return o;
}

function makeTwin(R, kind, modName, ctx, budget) {
  // budget: rough number of "entries" to generate
  const d = {};
  switch (kind) {
    case "sensor":
      d.SendData = true;
      d.SendInterval = R.int(1, 60);
      d.TemperatureThreshold = R.int(20, 90);
      break;
    case "opc": {
      const nodes = {};
      for (let i = 0; i < budget; i++) {
        nodes[`node${i}`] = {
          Id: `nsu=http://contoso.com/UA/${R.pick(WORDS)};s=${R.pick(WORDS)}.${R.pick(["Temperature", "Pressure", "Speed", "Status"])}${i}`,
          OpcSamplingInterval: R.pick([100, 500, 1000, 5000]),
          OpcPublishingInterval: R.pick([1000, 5000, 10000]),
          DisplayName: `${R.pick(WORDS)}_${i}`,
        };
      }
      d.PublishedNodes = { endpoint1: { EndpointUrl: `opc.tcp://plc-${R.pick(WORDS)}:4840`, UseSecurity: R.chance(0.5), OpcNodes: nodes } };
      break;
    }
    case "modbus": {
      const slaves = {};
      for (let i = 0, n = Math.max(1, Math.ceil(budget / 4)); i < n; i++) {
        const ops = {};
        for (let j = 0; j < 4; j++) {
          ops[`Op${j}`] = { PollingInterval: String(R.pick([500, 1000, 2000])), UnitId: String(R.int(1, 247)), StartAddress: String(40001 + R.int(0, 500)), Count: String(R.int(1, 8)), DisplayName: `${R.pick(WORDS)}${j}` };
        }
        slaves[`Slave${String(i + 1).padStart(2, "0")}`] = { SlaveConnection: `192.168.${R.int(0, 20)}.${R.int(2, 250)}`, HwId: `PLC-${R.str(6, "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789")}`, Operations: ops };
      }
      d.PublishInterval = String(R.pick([1000, 2000, 5000]));
      d.SlaveConfigs = slaves;
      break;
    }
    case "blob":
      d.deviceAutoDeleteProperties = { deleteOn: R.chance(0.7), deleteAfterMinutes: R.int(60, 43200), retainWhileUploading: true };
      d.deviceToCloudUploadProperties = {
        uploadOn: true,
        uploadOrder: R.pick(["OldestFirst", "NewestFirst"]),
        cloudStorageConnectionString: `DefaultEndpointsProtocol=https;AccountName=st${ctx.slug};AccountKey=${R.str(86, B64)}==;EndpointSuffix=core.windows.net`,
        storageContainersForUpload: { [`${modName.toLowerCase()}container`]: { target: `${ctx.slug}-${R.pick(WORDS)}` } },
        deleteAfterUpload: R.chance(0.5),
      };
      break;
    case "asa":
      d.ASAJobInfo = `https://st${ctx.slug}.blob.core.windows.net/asajobs/ASAEdgeJobs/${uuid(R)}/${uuid(R)}/ASAEdgeJobDefinition.zip?sv=2018-03-28&sr=b&sig=${R.str(43, B64)}%3D&st=2024-01-01T00%3A00%3A00Z&se=2027-01-01T00%3A00%3A00Z&sp=r`;
      d.ASAJobResourceId = `/subscriptions/${uuid(R)}/resourceGroups/rg-${ctx.slug}/providers/Microsoft.StreamAnalytics/streamingjobs/asa-${ctx.slug}`;
      d.ASAJobEtag = uuid(R);
      d.PublishTimestamp = `2024-0${R.int(1, 9)}-1${R.int(0, 9)}T0${R.int(0, 9)}:${R.int(10, 59)}:${R.int(10, 59)}.${R.int(1000000, 9999999)}Z`;
      break;
    case "metrics":
      d.additionalTags = `site=${ctx.slug},env=${R.pick(["prod", "test"])}`;
      break;
    case "lora":
      d.FacadeServerUrl = `https://func-${ctx.slug}.azurewebsites.net/api/`;
      d.FacadeAuthCode = R.str(56, B64);
      d.hostAddress = `mqtt://${R.pick(WORDS)}:1883`;
      break;
    default:
      break;
  }
  const sections = Math.max(0, budget - Object.keys(d).length);
  if (sections > 0) {
    const perSection = R.int(3, 7);
    for (let i = 0; i < Math.ceil(sections / perSection); i++) {
      const section = ctx.names.twinKey(`${R.pick(["telemetry", "processing", "alerting", "device", "connection", "storage", "pipeline", "reporting"])}Config`) + i;
      d[section] = twinObject(R, R.int(1, 3), perSection, ctx.names);
    }
  }
  return { "properties.desired": d };
}

/** Exact length of JSON.stringify(value, null, 2) when the value sits at `depth` (2 spaces each). */
function prettyLen(value, depth) {
  const s = JSON.stringify(value, null, 2);
  let lines = 0;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) === 10) lines++;
  return s.length + lines * 2 * depth;
}

/** Build manifest number `index` for `seed`. Pure function of (seed, index, names). */
export function buildManifest(seed, index, names = "common") {
  const rng = mulberry32(mix32(seed, index));
  const R = makeRandom(rng);
  // Names come from a stream of their own so that both styles consume `rng` alike.
  const namer = names === "unique" ? uniqueNames(mulberry32(mix32(seed ^ 0x5bd1e995, index))) : commonNames();
  for (let attempt = 0; ; attempt++) {
    const m = buildOnce(R, namer);
    const text = JSON.stringify(m, null, 2) + "\n";
    if ((text.length >= MIN_BYTES && text.length <= MAX_BYTES) || attempt >= 50) return text;
  }
}

function buildOnce(R, names) {
  // target size: log-normal around ~10.5 KB, clipped to the 3..30 KB band
  const target = Math.min(MAX_BYTES - 1500, Math.max(MIN_BYTES + 200, Math.exp(Math.log(12000) + 0.6 * R.normal())));
  const [ea, eh] = R.weighted([
    [["1.0", "1.0"], 30],
    [["1.1", "1.1"], 30],
    [["1.1", "1.2"], 30],
    [["1.0", "1.1"], 10],
  ]);
  const ea11 = ea === "1.1";
  const objRoutes = eh !== "1.0";
  const slug = R.pick(WORDS) + R.str(4);
  const rtVersion = R.pick(["1.4", "1.4", "1.4", "1.5", "1.5.0"]);
  const ctx = { slug, usedPorts: new Set([443, 5671, 8883, 9600, 15580, 15581]), firstModule: "edgeHub", names };

  const registries = [];
  const nReg = R.weighted([[1, 6], [2, 3], [3, 1]]);
  for (let i = 0; i < nReg; i++) {
    const host = `${R.pick(["contoso", "fabrikam", "northwind", "adatum", "tailspin", "myacr"])}${R.str(3)}${i}.azurecr.io`;
    registries.push({ name: host.split(".")[0], host });
  }
  const registryCredentials = {};
  for (const r of registries) {
    registryCredentials[r.name] = { username: r.name, password: R.str(32, B64.slice(0, 62)) + (R.chance(0.5) ? "+" + R.str(10, B64.slice(0, 62)) : ""), address: r.host };
  }

  const agentEnv = {};
  if (R.chance(0.6)) agentEnv.UpstreamProtocol = { value: R.pick(["AmqpWs", "Amqp", "MqttWs", "Mqtt"]) };
  if (R.chance(0.5)) agentEnv.SendRuntimeQualityTelemetry = { value: R.pick(["true", "false"]) };
  if (R.chance(0.4)) agentEnv.RuntimeLogLevel = { value: R.pick(LOG_LEVELS) };
  if (R.chance(0.3)) agentEnv.ExperimentalFeatures__Enabled = { value: "true" };
  if (R.chance(0.3)) agentEnv.ExperimentalFeatures__EnableUploadLogs = { value: "true" };
  if (R.chance(0.2)) agentEnv.storageFolder = { value: "/iotedge/storage" };
  const agent = {
    type: "docker",
    settings: { image: `mcr.microsoft.com/azureiotedge-agent:${rtVersion}`, createOptions: R.chance(0.7) ? "{}" : "" },
  };
  if (Object.keys(agentEnv).length) agent.env = agentEnv;
  if (ea11 && R.chance(0.2)) agent.imagePullPolicy = "on-create";

  const hubEnv = {};
  if (R.chance(0.5)) hubEnv.OptimizeForPerformance = { value: R.pick(["true", "false"]) };
  if (R.chance(0.3)) hubEnv.mqttSettings__enabled = { value: R.pick(["true", "false"]) };
  if (R.chance(0.3)) hubEnv.amqpSettings__enabled = { value: "true" };
  if (R.chance(0.2)) hubEnv.httpSettings__enabled = { value: "true" };
  if (R.chance(0.3)) hubEnv.AuthenticationMode = { value: "CloudAndScope" };
  if (R.chance(0.2)) hubEnv.MaxUpstreamBatchSize = { value: String(R.int(1, 100)) };
  if (R.chance(0.2)) hubEnv.UpstreamProtocol = { value: R.pick(["AmqpWs", "Amqp"]) };
  if (R.chance(0.15)) hubEnv.storageFolder = { value: "/iotedge/storage" };
  const hubPorts = R.weighted([[["5671", "8883", "443"], 8], [["5671", "8883"], 1], [["8883", "443"], 1]]);
  const hubCo = { HostConfig: { PortBindings: {} } };
  for (const p of hubPorts) hubCo.HostConfig.PortBindings[`${p}/tcp`] = [{ HostPort: p }];
  if (R.chance(0.25)) {
    hubCo.HostConfig.Binds = ["/etc/iotedge/storage/:/iotedge/storage/"];
  }
  const hub = { type: "docker", status: "running", restartPolicy: "always", settings: {} };
  hub.settings.image = `mcr.microsoft.com/azureiotedge-hub:${rtVersion}`;
  putCreateOptions(hub.settings, JSON.stringify(hubCo));
  if (Object.keys(hubEnv).length) hub.env = hubEnv;
  if (ea11 && R.chance(0.4)) hub.startupOrder = 0;

  const modules = {};
  const twins = [];
  const routes = {};
  const routeMeta = []; // {name, value}
  const manifest = {
    modulesContent: {
      $edgeAgent: {
        "properties.desired": {
          schemaVersion: ea,
          runtime: {
            type: "docker",
            settings: { minDockerVersion: "v1.25", loggingOptions: "", registryCredentials },
          },
          systemModules: { edgeAgent: agent, edgeHub: hub },
          modules,
        },
      },
      $edgeHub: {
        "properties.desired": {
          schemaVersion: eh,
          routes,
          storeAndForwardConfiguration: { timeToLiveSecs: R.pick([3600, 7200, 7200, 7200, 86400, 604800]) },
        },
      },
    },
  };

  let size = prettyLen(manifest, 0);
  const usedNames = new Set();
  const declared = []; // {name, kind}
  const maxModules = 20;
  while (declared.length < maxModules) {
    const kind = R.pick(MODULE_KINDS);
    const [base, repo, regKind, outputs, inputs, twinKind] = kind;
    const named = names.module(base);
    let name = named;
    for (let n = 2; usedNames.has(name.toLowerCase()); n++) name = `${named}${n}`;
    const mod = { version: "1.0", type: "docker", status: R.chance(0.95) ? "running" : "stopped", restartPolicy: R.weighted([["always", 85], ["on-unhealthy", 6], ["on-failure", 6], ["never", 3]]) };
    if (ea11 && R.chance(0.6)) mod.startupOrder = R.int(1, 400);
    if (ea11 && R.chance(0.15)) mod.imagePullPolicy = R.pick(["on-create", "never"]);
    const envN = R.weighted([[0, 2], [R.int(1, 4), 5], [R.int(5, 10), 3], [R.int(11, 18), 1]]);
    if (envN) mod.env = makeEnv(R, envN, ctx);
    const arch = R.pick(["amd64", "amd64", "amd64", "arm32v7", "arm64v8"]);
    const tag = `${R.int(0, 3)}.${R.int(0, 12)}.${R.int(0, 30)}-${arch}`;
    let image;
    if (regKind === "mcr") image = `mcr.microsoft.com/${repo}:${R.pick(["1.0", "1.1", "1.2", "1.4", "2.9.3"])}`;
    else image = `${R.pick(registries).host}/${repo}:${tag}`;
    mod.settings = { image };
    const coSize = R.weighted([[0, 2], [1, 4], [2, 3], [3, 2]]);
    putCreateOptions(mod.settings, makeCreateOptions(R, ctx, name, coSize));

    let twin = null;
    const twinBudget = R.weighted([[0, 3], [R.int(2, 8), 4], [R.int(9, 25), 2], [R.int(26, 60), 1]]);
    if (twinBudget || ["asa", "blob", "opc", "modbus"].includes(twinKind)) twin = makeTwin(R, twinKind, name, ctx, twinBudget);

    const add = prettyLen(mod, 5) + name.length + 16 + (twin ? prettyLen(twin, 2) + name.length + 12 : 0);
    if (declared.length >= 1 && size + add > target) break;
    if (declared.length >= 1 && size + add + 2500 > MAX_BYTES) break;
    size += add;
    usedNames.add(name.toLowerCase());
    modules[name] = mod;
    if (twin) twins.push([name, twin]);
    declared.push({ name, outputs: outputs.map(names.endpoint), inputs: inputs.map(names.endpoint) });
    if (declared.length === 1) ctx.firstModule = name;
  }

  // routes: each module with outputs gets 1-2 routes, to $upstream or to another module's input
  let ri = 0;
  const receivers = declared.filter((d) => d.inputs.length);
  for (const d of declared) {
    if (!d.outputs.length) continue;
    const nr = R.int(1, Math.min(2, d.outputs.length + 1));
    for (let k = 0; k < nr; k++) {
      const out = R.chance(0.25) ? "*" : R.pick(d.outputs);
      const targets = receivers.filter((x) => x.name !== d.name);
      let stmt;
      let rname;
      if (targets.length && R.chance(0.5)) {
        const t = R.pick(targets);
        stmt = `FROM /messages/modules/${d.name}/outputs/${out} INTO BrokeredEndpoint("/modules/${t.name}/inputs/${R.pick(t.inputs)}")`;
        rname = `${d.name}To${t.name}`;
      } else {
        const where = R.weighted([["", 6], [" WHERE $body.temperature.value > 25", 1], [" WHERE messageType = 'alert'", 1], [" WHERE NOT IS_DEFINED($connectionModuleId)", 1]]);
        stmt = `FROM /messages/modules/${d.name}/outputs/${out}${where} INTO $upstream`;
        rname = `${d.name}ToIoTHub`;
      }
      rname = `${names.route(rname)}${ri++}`;
      if (objRoutes && R.chance(0.3)) {
        const r = { route: stmt, priority: R.int(0, 9) };
        if (R.chance(0.5)) r.timeToLiveSecs = R.pick([0, 60, 3600, 7200, 86400]);
        routes[rname] = r;
      } else routes[rname] = stmt;
    }
  }
  if (!Object.keys(routes).length || R.chance(0.15)) routes[`${names.route("upstream")}${ri++}`] = "FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream";

  // drop credentials of registries no module pulls from (a linter may flag unused credentials)
  const usedHosts = new Set(Object.values(modules).map((m) => m.settings.image.split("/")[0]));
  for (const r of registries) if (!usedHosts.has(r.host)) delete registryCredentials[r.name];

  for (const [name, twin] of twins) manifest.modulesContent[name] = twin;
  return manifest;
}

/**
 * Write `count` manifests to outDir (deployment-000000.json ...). Removes stale
 * deployment-*.json files in outDir first. Returns size statistics.
 */
export function generateManifests({ count = 10000, seed = DEFAULT_SEED, names = "common", outDir = "bench/.data/manifests" } = {}) {
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) {
    if (/^deployment-\d+\.json$/.test(f)) fs.unlinkSync(path.join(outDir, f));
  }
  const sizes = new Array(count);
  let total = 0;
  for (let i = 0; i < count; i++) {
    const text = buildManifest(seed, i, names);
    fs.writeFileSync(path.join(outDir, `deployment-${String(i).padStart(6, "0")}.json`), text);
    sizes[i] = text.length; // ASCII only, so chars == bytes
    total += text.length;
  }
  const sorted = sizes.slice().sort((a, b) => a - b);
  return {
    count,
    seed,
    names,
    outDir,
    generatorVersion: GENERATOR_VERSION,
    totalBytes: total,
    minBytes: sorted[0],
    medianBytes: sorted[Math.floor(count / 2)],
    p10Bytes: sorted[Math.floor(count * 0.1)],
    p90Bytes: sorted[Math.floor(count * 0.9)],
    maxBytes: sorted[count - 1],
  };
}

function parseArgs(argv) {
  const args = { count: 10000, seed: DEFAULT_SEED, names: "common", out: "bench/.data/manifests" };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [k, inline] = a.includes("=") ? a.split(/=(.*)/s, 2) : [a, undefined];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    if (k === "--count") args.count = Number(val());
    else if (k === "--seed") args.seed = Number(val());
    else if (k === "--out") args.out = val();
    else if (k === "--names") args.names = val();
    else if (k === "--help" || k === "-h") {
      console.log("usage: node bench/generate-manifests.mjs [--count 10000] [--seed N] [--names common|unique] [--out bench/.data/manifests]");
      process.exit(0);
    } else throw new Error(`unknown argument ${a}`);
  }
  if (!Number.isInteger(args.count) || args.count < 1) throw new Error("--count must be a positive integer");
  if (!Number.isInteger(args.seed)) throw new Error("--seed must be an integer");
  if (!NAME_STYLES.includes(args.names)) throw new Error(`--names must be one of ${NAME_STYLES.join(", ")}`);
  return args;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const t0 = performance.now();
  const s = generateManifests({ count: args.count, seed: args.seed, names: args.names, outDir: args.out });
  const kb = (b) => (b / 1024).toFixed(1) + " KB";
  console.log(
    `wrote ${s.count} manifests to ${s.outDir} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ` +
      `total ${(s.totalBytes / 1048576).toFixed(1)} MB, min ${kb(s.minBytes)}, p10 ${kb(s.p10Bytes)}, ` +
      `median ${kb(s.medianBytes)}, p90 ${kb(s.p90Bytes)}, max ${kb(s.maxBytes)}`,
  );
}
