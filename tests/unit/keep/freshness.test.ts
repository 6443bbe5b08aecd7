/** The freshness bound after a resume (src/receiver/keep/freshness.ts, `ferry receive --fresh`). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FreshnessFilter } from '../../../src/receiver/keep/index.ts';

function filterAt(clock: { now: number }, freshMs = 100): FreshnessFilter {
  return new FreshnessFilter(freshMs, () => clock.now);
}

describe('FreshnessFilter', () => {
  it('lets everything through before a resume, however old', () => {
    const clock = { now: 10_000 };
    const filter = filterAt(clock);
    expect(filter.admit(0)).toBe(true);
    expect(filter.dropped).toBe(0);
  });

  it('after a resume drops the backlog older than the bound, counts it, and is live from the first fresh report', () => {
    const clock = { now: 10_000 };
    const filter = filterAt(clock);
    filter.resume();
    expect([9_000, 9_500, 9_899].map((t) => filter.admit(t))).toEqual([false, false, false]);
    expect(filter.admit(9_950)).toBe(true);
    expect(filter.admit(9_000)).toBe(true); // live: a late report is no backlog
    expect(filter.dropped).toBe(3);
  });

  it('never silences a device whose clock is far behind: judging stops one bound after the first report', () => {
    const clock = { now: 50_000 };
    const filter = filterAt(clock);
    filter.resume();
    expect(filter.admit(1_000)).toBe(false);
    clock.now += 100;
    expect(filter.admit(1_100)).toBe(false);
    clock.now += 1;
    expect(filter.admit(1_101)).toBe(true);
    expect(filter.admit(1_102)).toBe(true);
    expect(filter.dropped).toBe(2);
  });

  it('a second resume judges again', () => {
    const clock = { now: 10_000 };
    const filter = filterAt(clock);
    filter.resume();
    expect(filter.admit(10_000)).toBe(true);
    filter.resume();
    expect(filter.admit(0)).toBe(false);
    expect(filter.dropped).toBe(1);
  });

  it('drops only stale reports, only before the stream is live, and nothing once it is', () => {
    const arrivals = fc.array(fc.record({ wait: fc.nat(60), age: fc.integer({ min: -50, max: 2_000 }) }), {
      maxLength: 60,
    });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), arrivals, (freshMs, reports) => {
        const clock = { now: 1_000_000 };
        const filter = filterAt(clock, freshMs);
        filter.resume();
        const firstAt = clock.now + (reports[0]?.wait ?? 0);
        let live = false;
        let dropped = 0;
        for (const { wait, age } of reports) {
          clock.now += wait;
          const admitted = filter.admit(clock.now - age);
          if (live) expect(admitted).toBe(true);
          if (!admitted) {
            dropped += 1;
            expect(age).toBeGreaterThan(freshMs);
            expect(clock.now - firstAt).toBeLessThanOrEqual(freshMs);
          } else live = true;
        }
        expect(filter.dropped).toBe(dropped);
      }),
    );
  });
});
