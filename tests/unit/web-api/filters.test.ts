/** requestDevice()'s options as Chrome reads them (src/web-api/filters.ts): checks, messages, matching. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chooserLists, filterError, requestOptions } from '../../../src/web-api/filters.ts';

const gamepad = { vendorId: 0x054c, productId: 0x05c4, collections: [{ usagePage: 1, usage: 5 }] };

const filterValue = fc.record(
  {
    vendorId: fc.oneof(fc.integer(), fc.double(), fc.string(), fc.constant(undefined)),
    productId: fc.oneof(fc.integer(), fc.double(), fc.constant(undefined)),
    usagePage: fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined)),
    usage: fc.oneof(fc.integer(), fc.boolean(), fc.constant(undefined)),
  },
  { requiredKeys: [] },
);
const filterList = fc.oneof(fc.array(filterValue), fc.anything());
const optionsValue = fc.oneof(
  fc.anything(),
  fc.record({ filters: filterList, exclusionFilters: filterList }, { requiredKeys: [] }),
);

describe('requestOptions', () => {
  it('never throws: any value gives a TypeError or options made only of valid, in-range filters', () => {
    fc.assert(
      fc.property(fc.array(optionsValue, { maxLength: 2 }), (args) => {
        const options = requestOptions(args);
        if (options instanceof TypeError) return;
        for (const filter of [...options.filters, ...options.exclusionFilters]) {
          expect(filterError(filter)).toBeUndefined();
          for (const [key, value] of Object.entries(filter)) {
            const max = key === 'vendorId' ? 0xffffffff : 0xffff;
            expect(Number.isInteger(value) && value >= 0 && value <= max).toBe(true);
          }
        }
      }),
    );
  });

  it("rejects as Chrome does, in Chrome's order", () => {
    const message = (args: unknown[]) => {
      const options = requestOptions(args);
      return options instanceof TypeError ? options.message : 'accepted';
    };
    expect(message([5])).toBe(
      "Failed to execute 'requestDevice' on 'HID': The provided value is not of type 'HIDDeviceRequestOptions'.",
    );
    expect(message([{ filters: 3 }])).toMatch(/'filters' property .*cannot be converted to a sequence/);
    expect(message([{ filters: [{}] }])).toBe('A filter must provide a property to filter by.');
    expect(message([{ filters: [{ usage: 1 }] }])).toBe(
      'A filter containing a usage must also contain a usagePage.',
    );
    expect(message([{ filters: [], exclusionFilters: [] }])).toBe(
      "Failed to execute 'requestDevice' on 'HID': 'exclusionFilters', if present, must contain at least one filter.",
    );
    expect(message([{ filters: [] }])).toBe('accepted');
  });
});

describe('chooserLists', () => {
  const lists = (filters: object[], exclusionFilters: object[] = []) =>
    chooserLists({ filters, exclusionFilters }, gamepad);

  it('lists a device that any filter matches (every device for no filter), unless an exclusion does', () => {
    expect(lists([])).toBe(true);
    expect(lists([{ vendorId: 0x054c }])).toBe(true);
    expect(lists([{ vendorId: 0x054c, productId: 0x0268 }])).toBe(false);
    expect(lists([{ vendorId: 1 }, { usagePage: 1, usage: 5 }])).toBe(true);
    expect(lists([{ usagePage: 1, usage: 4 }])).toBe(false);
    expect(lists([{ usagePage: 1 }], [{ vendorId: 0x054c }])).toBe(false);
  });
});
