// Deterministic generator of WHERE conditions for bench/routes/run.mjs: the shapes real routes
// use (application and system properties, $body paths, the built-in functions, comparisons,
// AND/OR/NOT, parentheses a few levels deep), and a share of malformed ones (a missing or an
// extra ')', a stray character, a cut-off end, '==') that make the parser fall back to ANTLR's
// lookahead. Condition i depends only on (seed, i).
export const DEFAULT_SEED = 20261207;

import { mulberry32 } from '../seeded-random.mjs';

const PROPERTIES = ["temperature", "humidity", "pressure", "deviceType", "alert", "status", "level", "zone", "sensorId", "firmware"];
const SYSTEM = ["$connectionDeviceId", "$connectionModuleId", "$contentType", "$contentEncoding", "$messageId", "$correlationId"];
const BODY = ["$body.temperature", "$body.machine.pressure", "$body.readings[0].value", "$body.status", "$body.tags.site"];
const COMPARE = ["=", "!=", "<>", "<", "<=", ">", ">="];
const WORDS = ["'thermostat'", "'critical'", "'ok'", "'edge-01'", "'application/json'", "'utf-8'", "'line3'", "'v1.2'"];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function value(rand) {
  const r = rand();
  if (r < 0.35) return pick(rand, PROPERTIES);
  if (r < 0.55) return pick(rand, BODY);
  if (r < 0.7) return pick(rand, SYSTEM);
  if (r < 0.8) return `as_number(${pick(rand, [...PROPERTIES, ...BODY])})`;
  if (r < 0.87) return `upper(${pick(rand, PROPERTIES)})`;
  if (r < 0.93) return `length(${pick(rand, PROPERTIES)})`;
  return `${pick(rand, PROPERTIES)} + ${Math.floor(rand() * 100)}`;
}

function literal(rand) {
  return rand() < 0.5 ? String(Math.floor(rand() * 1000) / (rand() < 0.3 ? 10 : 1)) : pick(rand, WORDS);
}

function comparison(rand) {
  const r = rand();
  if (r < 0.08) return `is_defined(${pick(rand, [...PROPERTIES, ...BODY])})`;
  if (r < 0.14) return `starts_with(${pick(rand, SYSTEM)}, ${pick(rand, WORDS)})`;
  if (r < 0.18) return `contains(${pick(rand, PROPERTIES)}, ${pick(rand, WORDS)})`;
  return `${value(rand)} ${pick(rand, COMPARE)} ${literal(rand)}`;
}

function condition(rand, depth) {
  if (depth <= 0 || rand() < 0.35) return comparison(rand);
  const parts = Array.from({ length: 2 + Math.floor(rand() * 2) }, () => condition(rand, depth - 1));
  const joined = parts.join(rand() < 0.5 ? " AND " : " OR ");
  const grouped = rand() < 0.7 ? `(${joined})` : joined;
  return rand() < 0.1 ? `NOT ${grouped.startsWith("(") ? grouped : `(${grouped})`}` : grouped;
}

/** One malformation at a random place: the kinds of mistake people make by hand. */
function malform(rand, text) {
  const at = (chars) => {
    const spots = [...text].map((c, i) => (chars.includes(c) ? i : -1)).filter((i) => i >= 0);
    return spots.length ? spots[Math.floor(rand() * spots.length)] : -1;
  };
  const r = rand();
  if (r < 0.3) {
    const i = at(")");
    if (i >= 0) return text.slice(0, i) + text.slice(i + 1); // a missing ')'
  }
  if (r < 0.5) {
    const i = at(")");
    if (i >= 0) return text.slice(0, i) + ")" + text.slice(i); // an extra ')'
  }
  if (r < 0.65) return text.replace(/ = /, " == ");
  if (r < 0.8) {
    const i = at(" ");
    if (i >= 0) return `${text.slice(0, i)} @${text.slice(i)}`; // a stray character
  }
  return text.slice(0, Math.max(1, Math.floor(text.length * (0.3 + rand() * 0.6)))); // cut off
}

/** `count` conditions; about one in twelve is malformed. */
export function randomConditions(count, seed = DEFAULT_SEED) {
  const out = [];
  for (let i = 0; i < count; i++) {
    const rand = mulberry32((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
    const text = condition(rand, Math.floor(rand() * 4));
    out.push(rand() < 1 / 12 ? malform(rand, text) : text);
  }
  return out;
}
