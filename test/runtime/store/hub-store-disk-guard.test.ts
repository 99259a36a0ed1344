// The disk guard's decisions on given readings (free space, data file size), without a disk: when
// the store is short of space it refuses new messages unless they fit in the room inside its data
// file, guessed as a share of the file's size (so a drained store restarted on a short disk takes
// messages again) and learned when the file grows on the short disk.
import { describe, expect, it } from 'vitest';
import { DiskGuard, type DiskReadings } from '../../../src/runtime/store/hub-store-disk-guard.js';

const MB = 1024 * 1024;
const MARGIN = 32 * MB;

/** Readings a test sets; counts the free-space readings. */
class FakeDisk implements DiskReadings {
  free = 100 * MB;
  file = 0;
  freeReadings = 0;

  freeBytes(): number {
    this.freeReadings += 1;
    return this.free;
  }

  dataFileBytes(): number {
    return this.file;
  }
}

/** A guard on a fake disk, and a clock that moves past the free-space reading's lifetime on each call. */
function guardOn(disk: FakeDisk, margin = MARGIN): (storedBytes: number) => number | undefined {
  const guard = new DiskGuard('/store', margin, disk);
  let nowMs = 0;
  return (storedBytes) => guard.shortOfSpace(storedBytes, (nowMs += 1_000));
}

describe('the disk guard', () => {
  it('lets everything through while the disk has the margin free, or when the margin is 0', () => {
    const disk = new FakeDisk();
    disk.file = 500 * MB;
    expect(guardOn(disk)(400 * MB)).toBeUndefined();
    disk.free = MB;
    expect(guardOn(disk, 0)(400 * MB)).toBeUndefined();
    expect(disk.freeReadings).toBe(1);
  });

  it('after a restart short of space with a drained queue, takes messages into the room its data file holds', () => {
    const disk = new FakeDisk();
    disk.free = 19 * MB;
    disk.file = 20 * MB;
    const shortOfSpace = guardOn(disk);
    expect(shortOfSpace(0)).toBeUndefined();
    expect(shortOfSpace(8 * MB)).toBeUndefined();
    // Half the file, less a tenth: the file holds no more, as far as the guard knows.
    expect(shortOfSpace(9 * MB)).toBe(19 * MB);
    expect(shortOfSpace(8 * MB)).toBeUndefined();
  });

  it('refuses at once when the disk runs short while the store fills its file, until a tenth of it is delivered', () => {
    const disk = new FakeDisk();
    disk.file = 20 * MB;
    const shortOfSpace = guardOn(disk);
    expect(shortOfSpace(15 * MB)).toBeUndefined();
    disk.free = 30 * MB;
    expect(shortOfSpace(16 * MB)).toBe(30 * MB);
    expect(shortOfSpace(14.5 * MB)).toBe(30 * MB);
    expect(shortOfSpace(14.3 * MB)).toBeUndefined();
  });

  it('learns that its file is full when it grows on the short disk by more than a quarter of the margin', () => {
    const disk = new FakeDisk();
    disk.free = 30 * MB;
    disk.file = 20 * MB;
    const shortOfSpace = guardOn(disk);
    expect(shortOfSpace(0)).toBeUndefined();
    // lmdb grows its file a little even when it has room inside.
    disk.file = 27 * MB;
    expect(shortOfSpace(MB)).toBeUndefined();
    disk.file = 29 * MB;
    expect(shortOfSpace(2 * MB)).toBe(30 * MB);
    expect(shortOfSpace(1.9 * MB)).toBe(30 * MB);
    expect(shortOfSpace(1.7 * MB)).toBeUndefined();
  });

  it('learns it sooner when little is free: once the file grew by more than half of the free space', () => {
    const disk = new FakeDisk();
    disk.free = 4 * MB;
    disk.file = 20 * MB;
    const shortOfSpace = guardOn(disk);
    expect(shortOfSpace(0)).toBeUndefined();
    disk.file = 21 * MB;
    disk.free = 3 * MB;
    expect(shortOfSpace(MB)).toBeUndefined();
    disk.file = 22 * MB;
    disk.free = 2 * MB;
    expect(shortOfSpace(1.5 * MB)).toBe(2 * MB);
  });

  it('forgets what it learned once the disk has the margin free again', () => {
    const disk = new FakeDisk();
    disk.free = 30 * MB;
    disk.file = 20 * MB;
    const shortOfSpace = guardOn(disk);
    disk.file = 30 * MB;
    expect(shortOfSpace(0)).toBeUndefined();
    disk.file = 40 * MB;
    expect(shortOfSpace(12 * MB)).toBe(30 * MB);
    disk.free = 40 * MB;
    expect(shortOfSpace(12 * MB)).toBeUndefined();
    disk.free = 30 * MB;
    expect(shortOfSpace(12 * MB)).toBeUndefined();
  });

  it('trusts a free-space reading for a while, unless the store grew by a quarter of the margin since', () => {
    const disk = new FakeDisk();
    const guard = new DiskGuard('/store', MARGIN, disk);
    expect(guard.shortOfSpace(0, 1_000)).toBeUndefined();
    disk.free = MB;
    expect(guard.shortOfSpace(MB, 1_100)).toBeUndefined();
    expect(disk.freeReadings).toBe(1);
    expect(guard.shortOfSpace(MARGIN / 4, 1_200)).toBe(MB);
    expect(disk.freeReadings).toBe(2);
  });
});
