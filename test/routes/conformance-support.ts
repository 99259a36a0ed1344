// Shared helpers for the edgeHub conformance tests: reading the fixture records (each identified
// by file and line, e.g. conditions.json:57), the documented differences, and building messages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { ConditionNode, RouteMessage } from '../../src/routes/index.js';

export const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'edgehub-routes');

export interface Identified<T> {
  id: string;
  record: T;
}

/** Records of a one-record-per-line JSON array, each with its id `<file>:<line>`. */
export function loadRecords<T>(file: string): Identified<T>[] {
  const lines = readFileSync(join(FIXTURES, file), 'utf8').split('\n');
  const out: Identified<T>[] = [];
  lines.forEach((line, i) => {
    const text = line.trim().replace(/,$/, '');
    if (text.startsWith('{')) out.push({ id: `${file}:${i + 1}`, record: JSON.parse(text) as T });
  });
  return out;
}

export function loadJson<T>(file: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, file), 'utf8')) as T;
}

/** The rows of test/routes/DIFFERENCES.md: record id -> reason. */
export function documentedDifferences(file: string): Map<string, string> {
  const table = readFileSync(join(import.meta.dirname, 'DIFFERENCES.md'), 'utf8');
  const rows = new Map<string, string>();
  for (const line of table.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const id = cells[1] ?? '';
    if (cells.length >= 4 && id.startsWith(`${file}:`)) rows.set(id, cells[2]!);
  }
  return rows;
}

/**
 * Asserts that the records that disagree with edgeHub are exactly the documented ones: a new
 * difference fails the test, and so does a documented difference that went away.
 */
export function expectDocumentedDifferences(file: string, failures: Map<string, string>, total: number): void {
  const documented = documentedDifferences(file);
  const unexpected = [...failures].filter(([id]) => !documented.has(id)).map(([id, why]) => `${id}: ${why}`);
  const fixed = [...documented.keys()].filter((id) => !failures.has(id));
  expect(unexpected, `records that differ from edgeHub but are not in DIFFERENCES.md:\n${unexpected.join('\n')}`).toEqual([]);
  expect(fixed, 'documented differences that no longer occur (remove them from DIFFERENCES.md)').toEqual([]);
  expect(total - failures.size).toBe(total - documented.size);
}

export function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    bytes[2 * i] = unit & 0xff;
    bytes[2 * i + 1] = unit >> 8;
  }
  return bytes;
}

export function utf32le(text: string): Uint8Array {
  const points = [...text].map((c) => c.codePointAt(0)!);
  const bytes = new Uint8Array(points.length * 4);
  points.forEach((cp, i) => {
    bytes[4 * i] = cp & 0xff;
    bytes[4 * i + 1] = (cp >> 8) & 0xff;
    bytes[4 * i + 2] = (cp >> 16) & 0xff;
    bytes[4 * i + 3] = (cp >>> 24) & 0xff;
  });
  return bytes;
}

/** Encodes text as .NET does for the named encoding (little-endian, no byte order mark). */
export function encode(text: string, encoding: string): Uint8Array {
  switch (encoding.toLowerCase()) {
    case 'utf-16':
      return utf16le(text);
    case 'utf-32':
      return utf32le(text);
    default:
      return new TextEncoder().encode(text);
  }
}

export interface MessageRecord {
  appProperties?: Record<string, string | null>;
  systemProperties?: Record<string, string | null>;
  contentEncoding?: string | null;
  bodyText?: string;
  bodyBytes?: number[];
  bodyBytesEncoding?: string;
}

/** The message a conditions.json record describes; bodyText is encoded with the encoding really used. */
export function messageOf(record: MessageRecord): RouteMessage {
  let body: Uint8Array = new Uint8Array();
  if (record.bodyBytes) body = new Uint8Array(record.bodyBytes);
  else if (record.bodyText !== undefined) body = encode(record.bodyText, record.bodyBytesEncoding ?? record.contentEncoding ?? 'utf-8');
  return { appProperties: record.appProperties ?? {}, systemProperties: record.systemProperties ?? {}, body };
}

/** RouteCompilerFlags as compile options. */
export function flagsOf(flags: string | undefined): { bodyQuery: boolean; twinChangeIncludes: boolean } {
  return {
    bodyQuery: flags === 'All' || flags === 'BodyQuery',
    twinChangeIncludes: flags === 'All' || flags === 'TwinChangeIncludes',
  };
}

/** The sink as routes-parse.json and grammar-probes.json write it. */
export function sinkRecord(sink: { kind: string; name: string; address?: string }): object {
  return sink.kind === 'function' ? { type: 'function', function: sink.name, address: sink.address } : { type: 'system', name: sink.name };
}

/** ANTLR's toStringTree for the condition rule, rebuilt from our syntax tree. */
export function parseTreeText(ast: ConditionNode | null): string {
  return `(condition ${ast ? expr(ast) : '<EOF>'})`;
}

function nested(node: Extract<ConditionNode, { kind: 'group' }>): string {
  return `(nested_expr ( ${expr(node.expr)} ))`;
}

function fcall(node: Extract<ConditionNode, { kind: 'call' }>): string {
  const list = node.args.length > 0 ? `(exprList ${node.args.map(expr).join(' , ')}) ` : '';
  return `(fcall ${node.name} ( ${list}))`;
}

function expr(node: ConditionNode): string {
  switch (node.kind) {
    case 'literal':
    case 'unterminatedString':
      return `(expr (literal ${node.raw}))`;
    case 'property':
    case 'systemProperty':
      return `(expr ${node.name})`;
    case 'escapedSystemProperty':
      return `(expr { ${node.name} })`;
    case 'group':
      return `(expr ${nested(node)})`;
    case 'call':
      return `(expr ${fcall(node)})`;
    case 'unary':
      return `(expr ${node.opText} ${expr(node.operand)})`;
    case 'binary':
      return `(expr ${expr(node.left)} ${node.opText} ${expr(node.right)})`;
    case 'invalidSymbol': {
      const symbol = `(syntax_error ${node.symbol})`;
      if (node.left && node.right) return `(expr ${expr(node.left)} ${symbol} ${expr(node.right)})`;
      return node.right ? `(expr ${symbol} ${expr(node.right)})` : `(expr ${symbol})`;
    }
    case 'extraParen':
      return `(expr ${node.inner.kind === 'group' ? nested(node.inner) : fcall(node.inner)} ))`;
    case 'missingParen':
      return `(expr ( ${expr(node.inner)})`;
  }
}
