import { describe, expect, it } from 'vitest';
import { runTarget } from '../../fuzz/run.ts';
import { fuzzTargets } from '../../fuzz/targets.ts';

class ExpectedError extends Error {}

describe('the fuzz campaign', () => {
  it('counts an untyped exception as a crash and keeps the input', () => {
    const tally = runTarget(
      {
        name: 'fragile',
        input: 'bytes',
        typedError: ExpectedError,
        seeds: [Uint8Array.of(1, 2, 3)],
        feed: (bytes) => {
          if (bytes.length > 4) throw new TypeError('boom');
          if (bytes.length === 0) throw new ExpectedError('empty');
        },
      },
      500,
      1,
    );
    expect(tally.crashes).toBeGreaterThan(0);
    expect(tally.rejected).toBeGreaterThan(0);
    expect(tally.accepted + tally.rejected + tally.crashes).toBe(500);
    expect(tally.firstCrash).toMatch(/TypeError: boom/);
  });

  it.each(fuzzTargets().map((target) => [target.name, target] as const))(
    '%s: a short run has no crash and reaches both outcomes',
    (_, target) => {
      const tally = runTarget(target, 400, 7);
      expect(tally.firstCrash).toBeUndefined();
      expect(tally.rejected).toBeGreaterThan(0);
    },
  );
});
