import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { maximumInForceServes, rangeMaximum } from '../../../src/hid/range-maximum.ts';

/** Chrome's reading of a payload: sign-extended from its size (Int32FromValueAndSize). */
const chromeReads = (payload: number, size: number) => {
  const half = 2 ** (8 * size - 1);
  return payload >= half ? payload - 2 * half : payload;
};

describe('rangeMaximum', () => {
  it.each([
    // [minimum, Chrome's maximum, report size] → payload, size
    [0, -1, 16, 0xffff, 2],
    [0, -1, 8, 0xff, 1],
    [0, -1, 1, 0xff, 1],
    [0, -1, 12, 0xffff, 2],
    [0, -1, 32, 0xffff_ffff, 4],
    [0, -1, 64, 0xffff_ffff, 4],
    [0, -128, 8, 0xff80, 2],
    [0, -32768, 16, 0xffff_8000, 4],
    [300, -1, 8, 0xffff, 2],
  ])('min %i, Chrome max %i, %i-bit field → payload %i in %i byte(s)', (min, max, bits, payload, size) => {
    const written = rangeMaximum(min, max, bits);
    expect({ payload: written.payload, size: written.size, widened: written.widened }).toEqual({
      payload,
      size,
      widened: true,
    });
  });

  it('writes other maxima as the shortest signed item, which both readers agree on', () => {
    expect(rangeMaximum(-1, -1, 16)).toEqual({ payload: 0xff, size: 1, linux: -1, widened: false });
    expect(rangeMaximum(0, 200, 8)).toEqual({ payload: 200, size: 2, linux: 200, widened: false });
    expect(rangeMaximum(-127, 127, 8)).toEqual({ payload: 127, size: 1, linux: 127, widened: false });
  });

  it('gives back what Chrome read, and a Linux reading that covers the field and every original width', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 300 }),
        fc.constantFrom(1, 2, 4),
        fc.integer({ min: 1, max: 300 }),
        fc.integer({ min: 0, max: 64 }),
        (minimum, size, fromTop, reportSize) => {
          const original = 2 ** (8 * size) - fromTop; // top bit set: Chrome reads it negative
          fc.pre(original >= 2 ** (8 * size - 1));
          const chrome = chromeReads(original, size);
          const written = rangeMaximum(minimum, chrome, reportSize);
          expect(chromeReads(written.payload, written.size)).toBe(chrome);
          const carried = 2 ** Math.min(reportSize, 32) - 1;
          expect(written.payload).toBeGreaterThanOrEqual(Math.min(original, Math.max(carried, minimum)));
          expect(written.linux).toBe(written.payload | 0);
        },
      ),
    );
  });
});

describe('maximumInForceServes', () => {
  const wanted = rangeMaximum(0, -1, 1); // a button under a 0…65535 physical range

  it('keeps a wider carried-over maximum that Chrome reads the same', () => {
    expect(maximumInForceServes({ chrome: -1, linux: 0xffff }, -1, wanted)).toBe(true);
  });

  it('restates a maximum that Chrome or Linux would read differently', () => {
    expect(maximumInForceServes({ chrome: 255, linux: 255 }, -1, wanted)).toBe(false);
    // Linux stored 1-byte 0xFF as −1 because the minimum was negative then: as __u32 it is 0xFFFFFFFF.
    expect(maximumInForceServes({ chrome: -1, linux: -1 }, -1, wanted)).toBe(false);
    expect(maximumInForceServes({ chrome: -1, linux: 0xffff }, -1, rangeMaximum(-5, -1, 16))).toBe(false);
  });
});
