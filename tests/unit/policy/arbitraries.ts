import fc from 'fast-check';
import { ANY, type DeviceSelector } from '../../../src/receiver/policy/index.ts';

const u16 = fc.integer({ min: 0, max: 0xffff });
const u16OrAny = fc.oneof(u16, fc.constant(ANY));

/** Any selector the grammar can express. */
export const selectorArb: fc.Arbitrary<DeviceSelector> = fc.oneof(
  fc.record({ kind: fc.constant('ids' as const), vendorId: u16OrAny, productId: u16OrAny }),
  fc.record({ kind: fc.constant('usage' as const), page: u16, usage: u16OrAny }),
  fc.record({ kind: fc.constant('class' as const), code: fc.integer({ min: 0, max: 0xff }) }),
);
