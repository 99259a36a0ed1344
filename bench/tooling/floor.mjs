#!/usr/bin/env node
// Floor measurement, run as a child process by the tooling benchmark (bench/tooling/):
//   node bench/tooling/floor.mjs <read|parse> <dir>
// Lists <dir> (*.json, sorted), reads every file with fs.readFileSync and decodes it to
// a string (both modes), and in "parse" mode also JSON.parses it. Prints one JSON line: {mode, files, bytes, ms}; ms covers the
// directory listing + reads (+ parses), not node startup.
import fs from "node:fs";
import path from "node:path";

const [mode, dir] = process.argv.slice(2);
if (!["read", "parse"].includes(mode) || !dir) {
  console.error("usage: node bench/tooling/floor.mjs <read|parse> <dir>");
  process.exit(2);
}

const t0 = process.hrtime.bigint();
const names = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
let bytes = 0;
let keys = 0; // consume the results so nothing can be optimised away
for (const name of names) {
  const buf = fs.readFileSync(path.join(dir, name));
  bytes += buf.length;
  const text = buf.toString(); // same as ajv-cli: readFileSync(file).toString()
  keys += text.length & 1;
  if (mode === "parse") {
    const doc = JSON.parse(text);
    if (doc && typeof doc === "object") keys += Object.keys(doc).length;
  }
}
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ mode, files: names.length, bytes, ms, keys }) + "\n");
