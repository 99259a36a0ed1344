// A module's log: appended as written, rotated once past its cap (at most twice the cap on
// disk), read whole or by its last lines across the rotation, and followed across rotations.
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runLogs } from '../../../../src/cli/commands/logs.js';
import { InputError } from '../../../../src/errors.js';
import { moduleLogPath, rotatedLogPath } from '../../../../src/runtime/agent/process/module-log-path.js';
import { followModuleLog, moduleLogExists, readModuleLog } from '../../../../src/runtime/agent/process/module-log-reader.js';
import { openModuleLog } from '../../../../src/runtime/agent/process/module-log-writer.js';
import { removeTempFolders, tempFolder, waitFor } from './process-support.js';

afterEach(removeTempFolders);

const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}\n`).join('');

describe('moduleLogPath', () => {
  it('puts logs in DATA/logs/{module}.log', () => {
    expect(moduleLogPath('/data', 'filter')).toBe('/data/logs/filter.log');
  });

  it('keeps Sensor and sensor in different files on a case-insensitive filesystem, and `edgewise logs Sensor` reads its own', async () => {
    expect(moduleLogPath('/data', 'sensor')).toBe('/data/logs/sensor.log');
    expect(moduleLogPath('/data', 'Sensor')).toMatch(/^\/data\/logs\/sensor~[0-9a-f]{16}\.log$/);
    expect(moduleLogPath('/data', 'Sensor').toLowerCase()).not.toBe(moduleLogPath('/data', 'sensor').toLowerCase());
    expect(moduleLogPath('/data', 'Sensor').toLowerCase()).not.toBe(moduleLogPath('/data', 'SENSOR').toLowerCase());
    const data = tempFolder();
    for (const name of ['Sensor', 'sensor']) {
      const writer = openModuleLog(moduleLogPath(data, name));
      writer.write(`from ${name}\n`);
      writer.close();
    }
    expect((await runLogs('Sensor', { data })).stdout).toBe('from Sensor\n');
  });

  it('refuses a name that is not a module id (it would leave the logs folder)', () => {
    for (const name of ['../hub', 'a/b', '', 'a b']) expect(() => moduleLogPath('/data', name)).toThrow(InputError);
  });
});

describe('module log writer', () => {
  it('appends, creating the folder, owner-only', () => {
    const file = moduleLogPath(tempFolder(), 'filter');
    const writer = openModuleLog(file);
    writer.write('one\n');
    writer.write(Buffer.from('two\n'));
    writer.close();
    writer.write('three\n'); // reopens
    writer.close();
    expect(readFileSync(file, 'utf8')).toBe('one\ntwo\nthree\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('rotates once past the cap: the older part in .1, never more than two files', () => {
    const file = moduleLogPath(tempFolder(), 'filter');
    const writer = openModuleLog(file, { maxBytes: 100 });
    for (let line = 1; line <= 30; line++) writer.write(`line ${line}\n`); // 7-8 bytes each
    writer.close();
    const current = readFileSync(file, 'utf8');
    const older = readFileSync(rotatedLogPath(file), 'utf8');
    expect(existsSync(`${file}.2`)).toBe(false);
    expect(Buffer.byteLength(current)).toBeLessThanOrEqual(100);
    expect(Buffer.byteLength(older)).toBeLessThanOrEqual(100);
    // The two files end with the newest lines, contiguous and in order.
    expect((older + current).endsWith(lines(20, 30))).toBe(true);
    expect(current.endsWith('line 30\n')).toBe(true);
  });

  it('splits a chunk larger than the cap: no file holds more, and the newest bytes are kept', () => {
    const file = moduleLogPath(tempFolder(), 'filter');
    const writer = openModuleLog(file, { maxBytes: 10 });
    writer.write('small\n');
    writer.write('0123456789abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN'); // 6 + 60 bytes: six full files, then 6 bytes
    writer.close();
    expect(readFileSync(rotatedLogPath(file), 'utf8')).toBe('89ABCDEFGH');
    expect(readFileSync(file, 'utf8')).toBe('IJKLMN');
  });

  it('reports a write it cannot make once, and does not throw', () => {
    const folder = tempFolder();
    const file = moduleLogPath(folder, 'filter');
    writeFileSync(join(folder, 'elsewhere'), '');
    const errors: string[] = [];
    // A link planted at the log's path is not followed.
    openModuleLog(join(folder, 'logs', 'x.log')).write('make the folder\n');
    symlinkSync(join(folder, 'elsewhere'), file);
    const writer = openModuleLog(file, { onError: (line) => errors.push(line) });
    writer.write('a\n');
    writer.write('b\n');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^cannot write .*filter\.log \(ELOOP\); output is dropped until it can$/);
    expect(readFileSync(join(folder, 'elsewhere'), 'utf8')).toBe('');
  });
});

describe('module log reader', () => {
  function rotatedLog(): string {
    const file = moduleLogPath(tempFolder(), 'filter');
    writeFileSync(join(file, '..', '..', 'placeholder'), '');
    const writer = openModuleLog(file, { maxBytes: 50 });
    for (let line = 1; line <= 10; line++) writer.write(`line ${line}\n`);
    writer.close();
    return file;
  }

  it('reads the rotated part first, then the current file', () => {
    const file = rotatedLog();
    const whole = readModuleLog(file);
    expect(whole).toBe(readFileSync(rotatedLogPath(file), 'utf8') + readFileSync(file, 'utf8'));
    expect(whole.endsWith(lines(5, 10))).toBe(true);
  });

  it('reads the last N lines, reaching into the rotated part when the current file has fewer', () => {
    const file = rotatedLog();
    const currentLines = readFileSync(file, 'utf8').split('\n').length - 1;
    expect(readModuleLog(file, { tail: 2 })).toBe(lines(9, 10));
    expect(readModuleLog(file, { tail: currentLines + 1 })).toBe(lines(10 - currentLines, 10));
    expect(readModuleLog(file, { tail: 0 })).toBe('');
    expect(readModuleLog(file, { tail: 1000 })).toBe(readModuleLog(file));
  });

  it('counts a last line without its newline', () => {
    const file = moduleLogPath(tempFolder(), 'filter');
    const writer = openModuleLog(file);
    writer.write('a\n\nb\nc');
    writer.close();
    expect(readModuleLog(file, { tail: 1 })).toBe('c');
    expect(readModuleLog(file, { tail: 3 })).toBe('\nb\nc');
    expect(readModuleLog(file, { tail: 4 })).toBe('a\n\nb\nc');
  });

  it('knows when there is no log yet, and refuses what is not a regular file', () => {
    const folder = tempFolder();
    const file = moduleLogPath(folder, 'filter');
    expect(moduleLogExists(file)).toBe(false);
    expect(readModuleLog(file)).toBe('');
    openModuleLog(moduleLogPath(folder, 'other')).write('x\n');
    symlinkSync(moduleLogPath(folder, 'other'), file);
    expect(() => readModuleLog(file)).toThrow(InputError);
  });

  it('follows what is appended, across rotations, until stopped', async () => {
    const file = moduleLogPath(tempFolder(), 'filter');
    const writer = openModuleLog(file, { maxBytes: 40 });
    writer.write(lines(1, 2));
    let seen = '';
    const stop = new AbortController();
    const following = followModuleLog(file, { tail: 1, write: (text) => (seen += text), stop: stop.signal, pollMs: 10 });
    await waitFor('the last line', () => seen === 'line 2\n');
    // Two lines at a time, in one tick: when the second rotates the file, the first is still unread
    // in the old one. (A file rotated twice between two looks is gone, as with tail -F.)
    for (let line = 3; line <= 40; line += 2) {
      writer.write(`line ${line}\n`);
      writer.write(`line ${line + 1}\n`);
      await waitFor(`line ${line + 1}`, () => seen.endsWith(`line ${line + 1}\n`));
    }
    await waitFor('every line', () => seen.endsWith('line 40\n'));
    stop.abort();
    await following;
    writer.close();
    expect(seen).toBe(lines(2, 40));
  });
});
