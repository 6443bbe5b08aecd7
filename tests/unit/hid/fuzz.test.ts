import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  collectionsFromDescriptor,
  HID_LIMITS,
  HidDescriptorError,
  parseReportDescriptor,
  synthesizeReportDescriptor,
} from '../../../src/hid/index.ts';
import { fromHex, loadCorpus } from './corpus.ts';

/** Parses; returns the error code, or 'ok'. Any other exception fails the test. */
function outcome(bytes: Uint8Array): string {
  const started = performance.now();
  try {
    parseReportDescriptor(bytes);
    return 'ok';
  } catch (error) {
    if (!(error instanceof HidDescriptorError)) throw error;
    return error.code;
  } finally {
    expect(performance.now() - started).toBeLessThan(2_000);
  }
}

function repeat(hex: string, times: number): string {
  return hex.repeat(times);
}

const corpus = loadCorpus();

describe('hostile descriptors', () => {
  it('random bytes only ever raise HidDescriptorError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        outcome(bytes);
      }),
      { numRuns: 2_000 },
    );
  });

  it('random sequences of well-formed items only ever raise HidDescriptorError', () => {
    const shortItem = fc
      .tuple(fc.integer({ min: 0, max: 0xff }), fc.uint8Array({ minLength: 4, maxLength: 4 }))
      .map(([header, payload]) => [header, ...payload.subarray(0, [0, 1, 2, 4][header & 3])]);
    fc.assert(
      fc.property(fc.array(shortItem, { maxLength: 300 }), (items) => {
        const bytes = Uint8Array.from(items.flat());
        if (outcome(bytes) === 'ok')
          synthesizeReportDescriptor(collectionsFromDescriptor(bytes, { protectedReports: 'keep' }));
      }),
      { numRuns: 2_000 },
    );
  });

  // Tens of thousands of parses: slow on a loaded 2-core machine, so it gets room (no timing is asserted).
  it('every truncation and single-byte mutation of the corpus only raises HidDescriptorError', {
    timeout: 120_000,
  }, () => {
    for (const { descriptor } of corpus) {
      for (let length = 0; length < descriptor.length; length++) outcome(descriptor.subarray(0, length));
    }
    fc.assert(
      fc.property(
        fc.constantFrom(...corpus.map((device) => device.descriptor)),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
        (descriptor, position, value) => {
          const mutated = descriptor.slice();
          mutated[position % mutated.length] = value;
          outcome(mutated);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it.each([
    ['truncated', '0501 0902 a101 26ff'],
    ['truncated', '0501 fe05 01'],
    ['invalid-item', '0501 fc'],
    ['invalid-item', '0c'],
    ['descriptor-too-large', '00'.repeat(HID_LIMITS.maxDescriptorBytes + 1)],
    ['nesting-too-deep', repeat('a100', 51) + repeat('c0', 51)],
    ['unbalanced-collection', 'a101 c0 c0'],
    ['unbalanced-collection', 'a101 a100 c0'],
    ['unbalanced-push-pop', '0501 b4'],
    ['unbalanced-push-pop', '0501 a4 a101 c0'],
    ['nesting-too-deep', '0501' + repeat('a4', 33)],
    ['unbalanced-delimiter', 'a901 a901'],
    ['unbalanced-delimiter', 'a101 a901 0930 8102 c0'],
    ['invalid-report-id', 'a101 8500 c0'],
    ['invalid-report-id', 'a101 86 0001 c0'],
    ['field-too-large', 'a101 76 0101 9501 8102 c0'],
    ['report-too-large', 'a101 7508 97 ffffffff 8102 c0'],
    ['too-many-items', 'a101 7500 97 ffffffff 8102 c0'],
    ['too-many-items', 'a101 7501 9501' + repeat('8102', HID_LIMITS.maxMainItems + 1) + 'c0'],
    ['too-many-usages', 'a101' + repeat('0901', HID_LIMITS.maxUsagesPerItem + 1) + 'c0'],
    ['too-many-items', repeat('a100 c0', HID_LIMITS.maxCollections + 1)],
    ['too-many-items', repeat('a100', 50) + 'a4 7501 9501 b4' + repeat('8102', 3000) + repeat('c0', 50)],
  ])('refuses %s: %s', (code, hex) => {
    const bytes = fromHex(hex.replace(/ /g, ''));
    let caught: unknown;
    try {
      parseReportDescriptor(bytes);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(HidDescriptorError);
    expect((caught as HidDescriptorError).code).toBe(code);
  });

  it('names the cap and the offset in its message', () => {
    const error = (() => {
      try {
        parseReportDescriptor(fromHex(`${repeat('a100', 51)}`));
      } catch (caught) {
        return caught as HidDescriptorError;
      }
    })();
    expect(error?.message).toContain(String(HID_LIMITS.maxCollectionDepth));
    expect(error?.offset).toBe(100);
  });

  it('accepts zero-size fields and long items, as Chrome does', () => {
    expect(outcome(fromHex('0601ff 0901 a101 7500 9504 8102 fe0201aabb c0'.replace(/ /g, '')))).toBe('ok');
  });
});
