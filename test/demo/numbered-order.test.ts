// How the demo judges one sender's numbered messages in the cloud: none of those owed from the
// first to the last received may be missing, none may come after a higher one, and a number may
// come again only as an at-least-once re-send (a step back to a number already received, then on
// one by one), as the hub re-sends from the first message the cloud had not acknowledged.
import { describe, expect, it } from 'vitest';
import { arrivalFaults, everyNumber, numberedArrival } from '../../src/demo/offline/numbered-order.js';

const fromZero = (indexes: number[]) => numberedArrival(indexes, everyNumber(0));

describe('numbered messages in the cloud', () => {
  it('hold when every number from the first arrived, in order', () => {
    expect(fromZero([0, 1, 2, 3])).toEqual({ received: [0, 1, 2, 3], missing: [], unexpected: [], late: [], strayRepeats: [], resent: 0 });
    expect(arrivalFaults(fromZero([]))).toBe('');
  });

  it('find a gap, even one the order alone would let through (a reading lost at the cut)', () => {
    const arrival = fromZero([0, 1, 2, 4, 5]);
    expect(arrival.missing).toEqual([3]);
    expect(arrivalFaults(arrival)).toBe('missing 3');
    expect(fromZero([2, 3]).missing).toEqual([0, 1]);
  });

  it('find a number that came after a higher one', () => {
    const arrival = fromZero([0, 2, 1, 3]);
    expect(arrival).toMatchObject({ missing: [], late: [1] });
    expect(arrivalFaults(arrival)).toBe('out of order 1');
  });

  it('allow repeats that are re-sends: a step back, then one by one, even cut short by a second loss', () => {
    // The hub's lane re-sends 2..4 after the link came back; a restarted device sends 5 again; a second loss cuts a re-send short.
    expect(fromZero([0, 1, 2, 3, 4, 2, 3, 4, 5, 5, 6, 4, 5, 4, 5, 6, 7])).toMatchObject({ missing: [], late: [], strayRepeats: [], resent: 9 });
  });

  it('refuse a repeat that jumps ahead within what already arrived', () => {
    const arrival = fromZero([0, 1, 2, 3, 4, 1, 3, 5]);
    expect(arrival.strayRepeats).toEqual([3]);
    expect(arrivalFaults(arrival)).toBe('repeated outside a re-send 3');
  });

  it('judge a selection against what was owed, and name what was not owed', () => {
    const owedEvens = (last: number): number[] => everyNumber(0)(last).filter((index) => index % 2 === 0);
    expect(numberedArrival([0, 2, 4, 6], owedEvens)).toMatchObject({ missing: [], unexpected: [], resent: 0 });
    // A re-send of a selection steps back and goes on through the selection.
    expect(numberedArrival([0, 2, 4, 2, 4, 6], owedEvens)).toMatchObject({ strayRepeats: [], resent: 2 });
    const faulty = numberedArrival([0, 4, 5, 6], owedEvens);
    expect(arrivalFaults(faulty)).toBe('missing 2; not owed 5');
  });

  it('lists at most eight numbers of a kind', () => {
    expect(arrivalFaults(fromZero([20]))).toBe('missing 0, 1, 2, 3, 4, 5, 6, 7 and 12 more');
  });
});
