import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/transport/backoff.ts';

describe('Backoff', () => {
  it('doubles from the base delay up to the cap, and starts over after a reset', () => {
    const backoff = new Backoff({ baseMs: 100, maxMs: 1000, jitter: 0 });
    const delays = Array.from({ length: 6 }, () => backoff.next());
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(backoff.attempt).toBe(6);
    backoff.reset();
    expect(backoff.next()).toBe(100);
  });

  it('spreads each delay by at most the jitter, never past the cap', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 0, max: 60_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.array(fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), { maxLength: 80 }),
        (baseMs, extra, jitter, draws) => {
          const maxMs = baseMs + extra;
          let i = 0;
          const backoff = new Backoff({
            baseMs,
            maxMs,
            jitter,
            random: () => draws[i++ % draws.length] ?? 0.5,
          });
          for (let attempt = 0; attempt < draws.length; attempt++) {
            const plain = Math.min(baseMs * 2 ** attempt, maxMs);
            const delay = backoff.next();
            expect(delay).toBeGreaterThanOrEqual(Math.floor(plain * (1 - jitter)));
            expect(delay).toBeLessThanOrEqual(Math.min(Math.ceil(plain * (1 + jitter)), maxMs));
          }
        },
      ),
    );
  });

  it('refuses settings that make no sense', () => {
    expect(() => new Backoff({ baseMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ baseMs: 10, maxMs: 5 })).toThrow(RangeError);
    expect(() => new Backoff({ factor: 0.5 })).toThrow(RangeError);
  });
});
